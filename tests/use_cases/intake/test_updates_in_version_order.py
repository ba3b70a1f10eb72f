"""Updates apply in the channel's version order, not in arrival order: an update older than the
one intake applied is recorded on the order and ignored; a known order sent again is read as an
update of its version, never silently dropped."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted, OrderAddressChanged, OrderCancelled, OrderHeld
from orderflow_contracts.marketplace import (
    MarketplaceAddressChanged,
    MarketplaceOrderCancelled,
    MarketplaceOrderPublished,
)
from orderflow_contracts.order import Address
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads
from orderflow_testing.use_cases import DrivenService

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
OLD = Address(
    name="Ada Lovelace",
    line1="1 Old Street",
    city="Austin",
    region="TX",
    postal_code="78701",
    country="US",
)
NEW = OLD.model_copy(update={"line1": "2 New Street"})


def order_at(version: datetime, address1: str = "", **changes: Any) -> dict[str, Any]:
    """Shopify's order body as its webhook sends it, `updated_at` being its version."""
    order = payloads.shopify_order(7, [("MUG-RED", 1)], address_overrides={"zip": "78701"})
    order["created_at"] = T0.isoformat()
    order["updated_at"] = version.isoformat()
    if address1:
        order["shipping_address"]["address1"] = address1
    return {**order, **changes}


EXTERNAL_ID = str(order_at(T0)["id"])
ORDER_ID = order_id_for("shopify", EXTERNAL_ID)


async def deliver(intake: DrivenService, *events: Any) -> list:
    """What intake told of the order on `orders` (`orders.changes` has copies of some)."""
    emitted = await intake.deliver(topics.MARKETPLACE_ORDERS, *events)
    return [message.envelope.event() for message in emitted if message.topic == topics.ORDERS]


def published(order: dict[str, Any]) -> MarketplaceOrderPublished:
    return MarketplaceOrderPublished(channel="shopify", payload=order)


def moved(to: Address, version: datetime) -> MarketplaceAddressChanged:
    return MarketplaceAddressChanged(
        channel="shopify", external_id=EXTERNAL_ID, ship_to=to, version=version
    )


async def ship_to(intake: DrivenService) -> str:
    canonical = await intake.conn.fetchval(
        "SELECT canonical FROM orders WHERE order_id = $1", ORDER_ID
    )
    return json.loads(canonical)["ship_to"]["line1"]


async def audit(intake: DrivenService) -> list[tuple[str, dict]]:
    rows = await intake.conn.fetch(
        "SELECT action, detail FROM audit WHERE subject = $1 ORDER BY audit_id", f"order:{ORDER_ID}"
    )
    return [(row["action"], json.loads(row["detail"])) for row in rows]


async def test_an_address_change_older_than_the_one_applied_is_recorded_and_ignored(intake):
    await deliver(intake, published(order_at(T0, "1 Old Street")))
    changed = await deliver(intake, moved(NEW, T0 + timedelta(minutes=10)))
    late = await deliver(
        intake, moved(OLD.model_copy(update={"line1": "3 Stale"}), T0 + timedelta(minutes=5))
    )

    assert [type(event) for event in changed] == [OrderAddressChanged]
    assert late == []
    assert await ship_to(intake) == "2 New Street"
    [(action, detail)] = await audit(intake)
    assert action == "stale_update_ignored"
    assert "older than 2026-12-01T09:10:00+00:00" in detail["reason"]
    assert detail["content"]["ship_to"]["line1"] == "3 Stale"  # kept for an operator


async def test_a_late_order_document_older_than_the_one_taken_changes_nothing_and_is_recorded(
    intake,
):
    await deliver(intake, published(order_at(T0 + timedelta(minutes=10), "2 New Street")))
    assert await deliver(intake, published(order_at(T0, "1 Old Street"))) == []

    assert await ship_to(intake) == "2 New Street"
    [(action, detail)] = await audit(intake)
    assert action == "stale_update_ignored"
    assert detail["reason"].startswith("stale shopify order sent again: version 2026-12-01T09:00")


async def test_an_order_sent_again_with_a_newer_address_is_read_as_an_update(intake):
    await deliver(intake, published(order_at(T0, "1 Old Street")))
    again = await deliver(intake, published(order_at(T0 + timedelta(minutes=1), "2 New Street")))

    assert [type(event) for event in again] == [OrderAddressChanged]
    assert await ship_to(intake) == "2 New Street"
    [(action, detail)] = await audit(intake)
    assert action == "order_resent" and "shipping_address" in detail["changed"]


async def test_an_order_sent_again_unchanged_is_taken_once(intake):
    await deliver(intake, published(order_at(T0)))
    assert await deliver(intake, published(order_at(T0))) == []
    assert await audit(intake) == []


async def test_an_order_sent_again_with_other_lines_is_held_for_an_operator(intake):
    await deliver(intake, published(order_at(T0)))
    more = order_at(T0 + timedelta(minutes=1))
    more["line_items"][0]["quantity"] = 3
    [held] = await deliver(intake, published(more))

    assert isinstance(held, OrderHeld)
    assert [reason.code for reason in held.reasons] == ["resent_changed_lines"]
    assert "3 x MUG-RED" in held.reasons[0].detail


async def test_a_parked_address_change_older_than_its_order_is_dropped_and_recorded(intake):
    await deliver(intake, moved(OLD.model_copy(update={"line1": "3 Stale"}), T0))
    [accepted] = await deliver(
        intake, published(order_at(T0 + timedelta(minutes=1), "2 New Street"))
    )

    assert isinstance(accepted, OrderAccepted)
    assert accepted.order.ship_to.line1 == "2 New Street"
    assert [action for action, _ in await audit(intake)] == ["stale_update_ignored"]
    assert await intake.conn.fetchval("SELECT count(*) FROM parked_updates") == 0


async def test_parked_address_changes_apply_newest_first_whatever_their_arrival(intake):
    await deliver(intake, moved(NEW, T0 + timedelta(minutes=2)))
    await deliver(
        intake, moved(OLD.model_copy(update={"line1": "3 Stale"}), T0 + timedelta(minutes=1))
    )
    [accepted] = await deliver(intake, published(order_at(T0, "1 Old Street")))

    assert accepted.order.ship_to.line1 == "2 New Street"


async def test_a_cancellation_older_than_the_order_still_cancels(intake):
    await deliver(intake, published(order_at(T0 + timedelta(minutes=10))))
    cancel = MarketplaceOrderCancelled(
        channel="shopify", external_id=EXTERNAL_ID, reason="customer", version=T0
    )
    [cancelled] = await deliver(intake, cancel)
    assert isinstance(cancelled, OrderCancelled)
