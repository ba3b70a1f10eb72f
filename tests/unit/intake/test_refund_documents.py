"""Shopify's refunds/create webhook body (the Admin REST API Refund resource, as documented):
one refund of an order, with what it gave back, read as MarketplaceOrderRefunded (issue 18)."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from orderflow_contracts.marketplace import MarketplaceOrderRefunded
from orderflow_intake import adapters

REFUND = json.loads(
    (Path(__file__).parent / "fixtures" / "shopify_refunds_create.json").read_text()
)


def read(body: dict, topic: str = "refunds/create") -> adapters.ChannelDocument:
    return adapters.read("shopify", body, topic)


def test_a_refund_names_its_order_its_id_and_what_it_gave_back():
    document = read(REFUND)

    assert (document.kind, document.external_id, document.order) == (
        "update",
        "820982911946154508",
        None,
    )
    [refund] = document.updates
    assert isinstance(refund, MarketplaceOrderRefunded)
    assert (refund.refund_id, refund.amount, refund.currency, refund.partial) == (
        "890088186047892319",
        Decimal("9.95"),
        "EUR",
        None,
    )


def test_only_successful_refund_transactions_count():
    body = copy.deepcopy(REFUND)
    (paid,) = body["transactions"]
    body["transactions"] = [
        paid,
        {**paid, "id": 2, "amount": "5.00", "status": "failure"},
        {**paid, "id": 3, "amount": "1.05", "status": "success"},
    ]
    [refund] = read(body).updates
    assert refund.amount == Decimal("11.00")


def test_a_refund_that_gave_nothing_back_tells_nothing():
    body = {**REFUND, "transactions": []}
    assert read(body).updates == ()


def test_a_refund_without_its_order_is_refused_naming_the_field():
    body = {key: value for key, value in REFUND.items() if key != "order_id"}
    with pytest.raises(adapters.MalformedChannelPayload, match="shopify refund: order_id"):
        read(body)


def documented(name: str) -> dict:
    return json.loads((Path(__file__).parent / "fixtures" / name).read_text())


def refunds_in(channel: str, body: dict) -> list[tuple[str, str, Decimal | None, str]]:
    document = adapters.read(channel, body)
    assert document.kind == "update" and document.order is None
    return [
        (document.external_id, event.refund_id, event.amount, event.currency)
        for event in document.updates
        if isinstance(event, MarketplaceOrderRefunded)
    ]


def test_amazon_refund_events_are_what_the_buyer_got_back_per_adjustment():
    body = documented("amazon_financial_events_refund.json")

    # 19.90 + 1.64 tax + 4.99 shipping, less the 2.00 promotion taken back; fees are the seller's
    assert refunds_in("amazon", body) == [
        ("902-3159896-1390916", "52986411826454", Decimal("24.53"), "USD")
    ]
    assert refunds_in("amazon", body["payload"]) == refunds_in("amazon", body)  # unwrapped too


def test_amazon_refunds_of_two_orders_in_one_document_are_refused():
    body = documented("amazon_financial_events_refund.json")
    [event] = body["payload"]["FinancialEvents"]["RefundEventList"]
    body["payload"]["FinancialEvents"]["RefundEventList"].append(
        {**event, "AmazonOrderId": "111-0000000-0000000"}
    )
    with pytest.raises(adapters.MalformedChannelPayload, match="several orders"):
        adapters.read("amazon", body)


def test_shopee_return_refund_paid_is_a_refund_and_other_statuses_tell_nothing():
    body = documented("shopee_get_return_detail.json")
    assert refunds_in("shopee", body) == [
        ("201214JASXYXY6", "200718183800009", Decimal("12.5"), "SGD")
    ]
    body["response"]["status"] = "ACCEPTED"
    assert refunds_in("shopee", body) == []


def test_tiktok_return_completed_is_a_refund_without_an_amount():
    body = documented("tiktok_webhook_return_status_change.json")
    assert refunds_in("tiktok", body) == [("576461413038785752", "4035318504086712345", None, "")]

    replacement = copy.deepcopy(body)
    replacement["data"]["return_type"] = "REPLACEMENT"
    pending = copy.deepcopy(body)
    pending["data"]["return_status"] = "RETURN_OR_REFUND_REQUEST_PENDING"
    assert refunds_in("tiktok", replacement) == refunds_in("tiktok", pending) == []


def test_the_channels_order_status_notifications_are_still_updates():
    body = documented("tiktok_webhook_order_status_change.json")
    assert not adapters.is_refund("tiktok", body)
    assert adapters.read("tiktok", body).kind == "update"
