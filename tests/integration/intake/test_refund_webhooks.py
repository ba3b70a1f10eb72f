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
