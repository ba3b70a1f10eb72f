"""A change after the pick task and fulfillment's answer for each shipment are on the order
itself (GET /orders/{id}), not only in its audit trail: what an operator or seller looks at."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import (
    AddressChangeApplied,
    AddressChangeTooLate,
    ChangeSentToWarehouse,
    ShipmentStatus,
    ShipmentStatusChanged,
)
from orderflow_contracts.marketplace import MarketplaceOrderCancelled

from tests.integration.intake.test_updates import _key, _order, _place

pytestmark = pytest.mark.integration


def _news(order_id: str, shipment: int, status: ShipmentStatus, reason: str = ""):
    return ShipmentStatusChanged(
        order_id=order_id,
        shipment_id=f"{order_id}-{shipment}",
        location_id="us-ontario",
        status=status,
        carrier="usps",
        reason=reason,
    )


def _answers(order: dict) -> list[tuple[str, str, str, str, str]]:
    return [
        (a["shipment_id"], a["request"], a["answer"], a["reason"], a["tracking_number"])
        for a in order["after_pick_task"]
    ]


async def test_an_address_change_and_a_refund_return_are_answered_on_the_order(
    start_intake,
) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(31)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    assert (await intake.http.get(f"/orders/{order_id}")).json()["after_pick_task"] == []

    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        AddressChangeApplied(
            order_id=order_id,
            shipment_id=f"{order_id}-1",
            location_id="us-ontario",
            status=ShipmentStatus.PICKED,
        ),
        AddressChangeTooLate(
            order_id=order_id,
            shipment_id=f"{order_id}-2",
            location_id="de-3pl",
            status=ShipmentStatus.SHIPPED,
            tracking_number="9400",
        ),
        _news(order_id, 2, ShipmentStatus.RETURN_REQUESTED, "damaged: refund"),
    )
    await intake.handled(4)

    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    assert _answers(detail) == [
        (f"{order_id}-1", "address_change", "relabelled", "relabelled by the warehouse while picked", ""),
        (
            f"{order_id}-2",
            "address_change",
            "too_late",
            "too late to relabel: already shipped",
            "9400",
        ),
        (f"{order_id}-2", "return", "return_started", "damaged: refund", ""),
    ]  # fmt: skip
    assert [a["location_id"] for a in detail["after_pick_task"]] == [
        "us-ontario",
        "de-3pl",
        "us-ontario",
    ]


async def test_a_cancellation_after_the_pick_task_is_answered_on_the_order(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(32)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    cancel = MarketplaceOrderCancelled(channel="shopify", external_id=external_id, reason="buyer")
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), cancel)
    await intake.status_of(order_id, "cancelled")
    too_late = "order cancelled before it shipped"
    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        _news(order_id, 1, ShipmentStatus.CANCELLED),
        _news(order_id, 2, ShipmentStatus.SHIPPED),
        _news(order_id, 2, ShipmentStatus.RETURN_REQUESTED, too_late),
    )
    await intake.handled(5)

    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    assert (detail["status"], detail["cancel_reason"]) == ("cancelled", "buyer")
    assert _answers(detail) == [
        (f"{order_id}-1", "cancel", "stopped", "", ""),
        (f"{order_id}-2", "cancel", "return_started", too_late, ""),
    ]


def _sent(order_id: str, shipment: int, request: str, status: ShipmentStatus):
    return ChangeSentToWarehouse(
        order_id=order_id,
        shipment_id=f"{order_id}-{shipment}",
        location_id="us-ontario",
        request=request,
        status=status,
    )


async def test_a_change_sent_and_not_answered_yet_is_pending_on_the_order(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(33)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        _sent(order_id, 1, "address_change", ShipmentStatus.PICKED),
        _sent(order_id, 2, "address_change", ShipmentStatus.PICK_REQUESTED),
    )
    await intake.handled(3)

    pending = "sent to the warehouse while picked, no answer yet"
    assert _answers((await intake.http.get(f"/orders/{order_id}")).json()) == [
        (f"{order_id}-1", "address_change", "pending", pending, ""),
        (
            f"{order_id}-2",
            "address_change",
            "pending",
            "sent to the warehouse while pick_requested, no answer yet",
            "",
        ),
    ]

    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        AddressChangeApplied(
            order_id=order_id,
            shipment_id=f"{order_id}-2",
            location_id="us-ontario",
            status=ShipmentStatus.PACKED,
        ),
    )
    await intake.handled(4)

    # the answer takes the place of its request; the other is still waiting
    assert _answers((await intake.http.get(f"/orders/{order_id}")).json()) == [
        (f"{order_id}-1", "address_change", "pending", pending, ""),
        (f"{order_id}-2", "address_change", "relabelled", "relabelled by the warehouse while packed", ""),
    ]  # fmt: skip


async def test_a_cancellation_sent_is_pending_until_the_warehouse_stops_it(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(34)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    cancel = MarketplaceOrderCancelled(channel="shopify", external_id=external_id, reason="buyer")
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), cancel)
    await intake.status_of(order_id, "cancelled")
    await intake.publish(
        topics.FULFILLMENT_STATUS, order_id, _sent(order_id, 1, "cancel", ShipmentStatus.PACKED)
    )
    await intake.handled(3)

    [(_, request, answer, _, _)] = _answers((await intake.http.get(f"/orders/{order_id}")).json())
    assert (request, answer) == ("cancel", "pending")

    await intake.publish(
        topics.FULFILLMENT_STATUS, order_id, _news(order_id, 1, ShipmentStatus.CANCELLED)
    )
    await intake.handled(4)
    assert _answers((await intake.http.get(f"/orders/{order_id}")).json()) == [
        (f"{order_id}-1", "cancel", "stopped", "", "")
    ]


async def test_a_pending_cancellation_is_closed_when_the_warehouse_rejects_the_shipment(
    start_intake,
) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(35)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    cancel = MarketplaceOrderCancelled(channel="shopify", external_id=external_id, reason="buyer")
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), cancel)
    await intake.status_of(order_id, "cancelled")
    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        _sent(order_id, 1, "cancel", ShipmentStatus.ACCEPTED),
        _sent(order_id, 2, "cancel", ShipmentStatus.PICKED),
        _news(order_id, 1, ShipmentStatus.REJECTED, "no stock"),  # rejected, not cancelled
    )
    await intake.handled(5)

    pending = "sent to the warehouse while picked, no answer yet"
    assert _answers((await intake.http.get(f"/orders/{order_id}")).json()) == [
        (f"{order_id}-2", "cancel", "pending", pending, ""),
        (f"{order_id}-1", "cancel", "superseded", "superseded: shipment rejected", ""),
    ]


async def test_a_pending_address_change_is_closed_when_the_shipment_is_cancelled(
    start_intake,
) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(36)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        _sent(order_id, 1, "address_change", ShipmentStatus.PICKED),
        _sent(order_id, 1, "cancel", ShipmentStatus.PICKED),
        _news(order_id, 1, ShipmentStatus.CANCELLED),
    )
    await intake.handled(4)

    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    assert _answers(detail) == [
        (f"{order_id}-1", "cancel", "stopped", "", ""),
        (f"{order_id}-1", "address_change", "superseded", "superseded: shipment cancelled", ""),
    ]
    assert all(a["location_id"] == "us-ontario" for a in detail["after_pick_task"])
