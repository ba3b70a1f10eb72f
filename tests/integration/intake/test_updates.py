"""Marketplace updates: cancellations, address and payment changes; parked when early, no-ops
when repeated, exceptions after shipment."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import (
    AddressChangeTooLate,
    ShipmentStatus,
    ShipmentStatusChanged,
)
from orderflow_contracts.intake import (
    OrderAccepted,
    OrderAddressChanged,
    OrderCancelled,
    OrderHeld,
    OrderPaymentCaptured,
)
from orderflow_contracts.marketplace import (
    MarketplaceAddressChanged,
    MarketplaceOrderCancelled,
    MarketplaceOrderPublished,
    MarketplacePaymentChanged,
)
from orderflow_contracts.order import Address
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads
from orderflow_testing.system import eventually

pytestmark = pytest.mark.integration

BERLIN = Address(
    name="Ada Lovelace", line1="Invalidenstr. 1", city="Berlin", postal_code="10115", country="DE"
)


def _order(number: int, **kwargs) -> tuple[str, str, dict]:
    order = payloads.shopify_order(
        number, [("MUG-RED", 1)], email=f"buyer{number}@example.com", **kwargs
    )
    external_id = str(order["id"])
    return external_id, order_id_for("shopify", external_id), order


def _key(external_id: str) -> str:
    return topics.channel_order_key("shopify", external_id)


def _types(events) -> list[str]:
    return [type(event).__name__ for event in events]


async def _place(intake, order: dict, external_id: str) -> None:
    await intake.publish(
        topics.MARKETPLACE_ORDERS,
        _key(external_id),
        MarketplaceOrderPublished(channel="shopify", payload=order),
    )


async def test_cancellation_before_its_order_is_parked_and_applied_when_it_arrives(
    start_intake,
) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(20)
    cancel = MarketplaceOrderCancelled(channel="shopify", external_id=external_id, reason="fraud")
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), cancel)
    await eventually(lambda: intake.db.fetchval("SELECT count(*) = 1 FROM parked_updates"))

    await _place(intake, order, external_id)

    await intake.status_of(order_id, "cancelled")
    await intake.handled(2)
    assert _types(await intake.emitted(order_id)) == ["OrderCancelled"]
    assert await intake.db.fetchval("SELECT count(*) FROM parked_updates") == 0
    dead = await intake.db.fetchval("SELECT count(*) FROM outbox WHERE topic LIKE '%.dlq'")
    assert dead == 0


async def test_cancellation_delivered_twice_cancels_once(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(21)
    cancel = MarketplaceOrderCancelled(channel="shopify", external_id=external_id)
    await _place(intake, order, external_id)
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), cancel, cancel)
    await intake.handled(3)
    assert _types(await intake.emitted(order_id)) == ["OrderAccepted", "OrderCancelled"]


async def _shipped(intake, order_id: str) -> None:
    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        ShipmentStatusChanged(
            order_id=order_id,
            shipment_id=f"{order_id}-1",
            location_id="us-ontario",
            status=ShipmentStatus.SHIPPED,
            carrier="usps",
            tracking_number="9400",
        ),
    )
    await intake.status_of(order_id, "shipped")


async def test_cancellation_after_shipment_is_held_as_an_exception(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(22)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    await _shipped(intake, order_id)

    cancel = MarketplaceOrderCancelled(channel="shopify", external_id=external_id, reason="late")
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), cancel, cancel)

    await intake.status_of(order_id, "held")
    await intake.handled(4)
    events = await intake.emitted(order_id)
    assert _types(events) == ["OrderAccepted", "OrderHeld"]
    assert [reason.code for reason in events[1].reasons] == ["cancel_after_shipment"]
    assert await intake.open_holds(order_id) == ["cancel_after_shipment"]


async def test_address_change_of_an_accepted_order_is_told_to_everyone(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(23)
    await _place(intake, order, external_id)
    change = MarketplaceAddressChanged(channel="shopify", external_id=external_id, ship_to=BERLIN)
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), change, change)

    await intake.handled(3)
    events = await intake.emitted(order_id)
    assert _types(events) == ["OrderAccepted", "OrderAddressChanged"]
    assert isinstance(events[1], OrderAddressChanged) and events[1].ship_to == BERLIN
    row = await intake.order_row(order_id)
    assert (row["status"], '"Berlin"' in row["canonical"]) == ("accepted", True)


async def test_address_change_that_fixes_a_held_address_releases_the_order(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(24, address_overrides={"zip": "1234"})
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "held")
    change = MarketplaceAddressChanged(channel="shopify", external_id=external_id, ship_to=BERLIN)
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), change)

    await intake.status_of(order_id, "accepted")
    await intake.handled(2)
    events = await intake.emitted(order_id)
    assert _types(events) == ["OrderHeld", "OrderAccepted"]
    assert isinstance(events[1], OrderAccepted) and events[1].order.ship_to == BERLIN
    assert await intake.open_holds(order_id) == []


async def test_address_change_to_an_incomplete_address_holds_the_order(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(25)
    await _place(intake, order, external_id)
    nowhere = BERLIN.model_copy(update={"line1": ""})
    change = MarketplaceAddressChanged(channel="shopify", external_id=external_id, ship_to=nowhere)
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), change)
    await intake.status_of(order_id, "held")
    await intake.handled(2)
    assert _types(await intake.emitted(order_id)) == [
        "OrderAccepted",
        "OrderAddressChanged",
        "OrderHeld",
    ]
    assert await intake.open_holds(order_id) == ["incomplete_address"]


async def test_captured_payment_releases_an_order_held_for_payment(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(26)
    order["financial_status"] = "pending"
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "held")
    paid = MarketplacePaymentChanged(
        channel="shopify", external_id=external_id, captured=True, status="paid"
    )
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), paid, paid)

    await intake.status_of(order_id, "accepted")
    await intake.handled(3)
    events = await intake.emitted(order_id)
    assert _types(events) == ["OrderHeld", "OrderPaymentCaptured", "OrderAccepted"]
    assert isinstance(events[1], OrderPaymentCaptured)


async def test_updates_that_arrive_before_the_order_are_applied_before_screening(
    start_intake,
) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(27)
    order["financial_status"] = "pending"
    await intake.publish(
        topics.MARKETPLACE_ORDERS,
        _key(external_id),
        MarketplaceAddressChanged(channel="shopify", external_id=external_id, ship_to=BERLIN),
        MarketplacePaymentChanged(channel="shopify", external_id=external_id, captured=True),
    )
    await eventually(lambda: intake.db.fetchval("SELECT count(*) = 2 FROM parked_updates"))
    await _place(intake, order, external_id)

    await intake.status_of(order_id, "accepted")
    await intake.handled(3)
    events = await intake.emitted(order_id)
    assert _types(events) == ["OrderAccepted"]
    assert events[0].order.ship_to == BERLIN


async def test_address_change_after_shipment_is_an_exception(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(28)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    await _shipped(intake, order_id)
    change = MarketplaceAddressChanged(channel="shopify", external_id=external_id, ship_to=BERLIN)
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), change)
    await intake.status_of(order_id, "held")
    assert await intake.open_holds(order_id) == ["address_change_after_shipment"]
    events = await intake.emitted(order_id)
    assert isinstance(events[-1], OrderHeld)
    assert not any(isinstance(event, OrderCancelled) for event in events)


def _news(order_id: str, shipment: int, status: ShipmentStatus, reason: str = ""):
    return ShipmentStatusChanged(
        order_id=order_id,
        shipment_id=f"{order_id}-{shipment}",
        location_id="us-ontario",
        status=status,
        carrier="usps",
        reason=reason,
    )


async def test_the_warehouses_answer_to_a_cancellation_is_in_the_orders_audit(
    start_intake,
) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(29)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    cancel = MarketplaceOrderCancelled(channel="shopify", external_id=external_id, reason="buyer")
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), cancel)
    await intake.status_of(order_id, "cancelled")
    too_late = "order cancelled before it shipped"
    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        _news(order_id, 1, ShipmentStatus.CANCELLED),  # stopped in time
        _news(order_id, 2, ShipmentStatus.SHIPPED),  # too late: it left, its return starts
        _news(order_id, 2, ShipmentStatus.RETURN_REQUESTED, too_late),
        _news("o-not-ours", 1, ShipmentStatus.CANCELLED),  # an order intake does not know
    )
    await intake.handled(6)

    audit = (await intake.http.get(f"/orders/{order_id}/audit")).json()
    answers = [(a["action"], a["actor"], a["detail"]) for a in audit if a["actor"] == "fulfillment"]
    assert answers == [
        (
            "shipment_stopped",
            "fulfillment",
            {"shipment_id": f"{order_id}-1", "location_id": "us-ontario", "reason": ""},
        ),
        (
            "return_started",
            "fulfillment",
            {"shipment_id": f"{order_id}-2", "location_id": "us-ontario", "reason": too_late},
        ),
    ]
    assert await intake.db.fetchval("SELECT count(*) FROM audit WHERE actor = 'fulfillment'") == 2
    assert (await intake.http.get(f"/orders/{order_id}")).json()["status"] == "cancelled"


async def test_an_address_change_too_late_to_relabel_is_in_the_orders_audit(
    start_intake,
) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(30)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    too_late = AddressChangeTooLate(
        order_id=order_id,
        shipment_id=f"{order_id}-1",
        location_id="us-ontario",
        status=ShipmentStatus.SHIPPED,
        tracking_number="9400",
    )
    await intake.publish(topics.FULFILLMENT_STATUS, order_id, too_late)
    await intake.handled(2)

    audit = (await intake.http.get(f"/orders/{order_id}/audit")).json()
    assert [(a["action"], a["actor"], a["detail"]) for a in audit] == [
        (
            "address_change_too_late",
            "fulfillment",
            {
                "shipment_id": f"{order_id}-1",
                "location_id": "us-ontario",
                "reason": "too late to relabel: already shipped",
                "tracking_number": "9400",
            },
        )
    ]
