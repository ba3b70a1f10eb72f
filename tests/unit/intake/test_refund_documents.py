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
