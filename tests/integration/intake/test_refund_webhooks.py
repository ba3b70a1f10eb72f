"""Shopify's refunds/create webhook, signed like its other webhooks: each refund of an order
is told on once (OrderRefunded with its id, amount and currency), a second partial refund too,
and a cancelled order's refund as well (issue 18)."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from orderflow_contracts.intake import OrderRefunded
from orderflow_simulators import payloads

pytestmark = pytest.mark.integration

REFUND = json.loads(
    (
        Path(__file__).parents[2] / "unit" / "intake" / "fixtures" / "shopify_refunds_create.json"
    ).read_text()
)
TOPIC = {"X-Shopify-Topic": "refunds/create"}


def refund_of(order: dict, refund_id: int, amount: str) -> dict:
    """The documented Refund body, about this order, giving back `amount`."""
    body = copy.deepcopy(REFUND)
    body.update(id=refund_id, order_id=order["id"])
    body["transactions"][0].update(order_id=order["id"], amount=amount, currency="USD")
    return body


async def test_each_refund_posted_is_told_once_a_cancelled_orders_too(start_intake) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(41, [("MUG-RED", 1)])  # 19.90 USD
    order_id = (await intake.post_webhook("shopify", order)).json()["order_id"]
    await intake.status_of(order_id, "accepted")

    first = await intake.post_webhook("shopify", refund_of(order, 1, "5.00"), headers=TOPIC)
    again = await intake.post_webhook("shopify", refund_of(order, 1, "5.00"), headers=TOPIC)
    cancel = {**order, "cancel_reason": "customer"}
    await intake.post_webhook("shopify", cancel, headers={"X-Shopify-Topic": "orders/cancelled"})
    await intake.status_of(order_id, "cancelled")
    last = await intake.post_webhook("shopify", refund_of(order, 2, "14.90"), headers=TOPIC)

    assert [r.status_code for r in (first, again, last)] == [202, 202, 202]
    assert first.json()["kind"] == "update"
    told = [e for e in await intake.emitted(order_id) if isinstance(e, OrderRefunded)]
    assert [(e.refund_id, e.partial, e.amount, e.currency) for e in told] == [
        ("1", True, Decimal("5.00"), "USD"),
        ("2", False, Decimal("14.90"), "USD"),
    ]


async def test_an_unsigned_refund_is_refused_and_nothing_is_stored(start_intake) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(42, [("MUG-RED", 1)])
    refused = await intake.post_webhook(
        "shopify", refund_of(order, 1, "5.00"), secret="another-secret-entirely", headers=TOPIC
    )
    assert refused.status_code == 401
    assert await intake.db.fetchval("SELECT count(*) FROM raw_payloads") == 0


LISTED = {"amazon": "AMZ-MUG-RED", "shopee": "SHP-MUG-RED", "tiktok": "TTS-MUG-RED"}
FIXTURES = Path(__file__).parents[2] / "unit" / "intake" / "fixtures"


def channel_refund(channel: str, external_id: str) -> tuple[dict, str]:
    """The channel's documented refund document (the unit fixtures) about this order, and the
    refund id it names."""
    if channel == "amazon":
        body = json.loads((FIXTURES / "amazon_financial_events_refund.json").read_text())
        body["payload"]["FinancialEvents"]["RefundEventList"][0]["AmazonOrderId"] = external_id
        return body, "52986411826454"
    if channel == "shopee":
        body = json.loads((FIXTURES / "shopee_get_return_detail.json").read_text())
        body["response"]["order_sn"] = external_id
        return body, "200718183800009"
    body = json.loads((FIXTURES / "tiktok_webhook_return_status_change.json").read_text())
    body["data"]["order_id"] = external_id
    return body, "4035318504086712345"


@pytest.mark.parametrize("channel", sorted(LISTED))
async def test_the_other_channels_refund_documents_are_told_once(start_intake, channel) -> None:
    intake = await start_intake()
    order = payloads.BUILDERS[channel](43, [(LISTED[channel], 1)])
    external_id = payloads.external_id(channel, order)
    order_id = (await intake.post_webhook(channel, order)).json()["order_id"]
    await intake.status_of(order_id, "accepted")
    body, refund_id = channel_refund(channel, external_id)

    answers = [await intake.post_webhook(channel, body) for _ in range(2)]

    assert [(a.status_code, a.json()["kind"]) for a in answers] == [(202, "update")] * 2
    told = [e for e in await intake.emitted(order_id) if isinstance(e, OrderRefunded)]
    assert [(e.channel, e.refund_id) for e in told] == [(channel, refund_id)]
