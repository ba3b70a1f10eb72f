"""fulfillment's use cases of the pick task: issued, then stopped or redirected when the order
changes, and the ship-by clock. The warehouse's and the carrier's news: warehouse_reports,
tracking; returns: returns."""

from datetime import datetime

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import (
    PickTaskAddressChanged,
    PickTaskCancelled,
    PickTaskIssued,
    ShipByEscalated,
    ShipmentStatus,
    ShipmentStatusChanged,
)
from orderflow_contracts.intake import OrderAddressChanged, OrderCancelled
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_runtime import Item, UnitOfWork

from orderflow_fulfillment import domain, store
from orderflow_fulfillment.journey import (
    start_return,
    tell_address_too_late,
    tell_sent_to_warehouse,
)
from orderflow_fulfillment.ship_by import HandlingTimes


async def issue_pick_tasks(items: list[Item[StockReserved]], handling: HandlingTimes) -> None:
    """A poll's reservations become pick tasks with one insert; a shipment seen before (a
    redelivered reservation) issues nothing, nor does an order cancelled meanwhile. An order
    its channel gave no ship-by gets one from the seller's handling time (`handling`)."""
    conn = items[-1].unit.conn
    cancelled = await store.cancelled_among(conn, [item.event.plan.order_id for item in items])
    for item in items:
        if item.event.plan.order_id in cancelled:
            item.unit.log.info(
                "pick_task.not_issued_order_cancelled", order_id=item.event.plan.order_id
            )
    planned = [
        (item, shipment)
        for item in items
        if item.event.plan.order_id not in cancelled
        for shipment in item.event.plan.shipments
    ]
    ship_by = {item.event.plan.order_id: _ship_by(item.event.plan, handling) for item in items}
    created = await store.create_shipments(
        conn, [(item.event.plan, shipment) for item, shipment in planned], ship_by
    )
    for item, shipment in planned:
        if shipment.shipment_id not in created:
            continue
        created.discard(shipment.shipment_id)  # the same shipment twice in a batch: once
        _issue(item.unit, item.event.plan, shipment)


def _ship_by(plan: ShipmentsPlanned, handling: HandlingTimes) -> store.ShipBy:
    """The marketplace's ship-by, else one derived from the seller's handling time (marked);
    none without a placement time to count from."""
    if plan.ship_by is not None or plan.placed_at is None:
        return plan.ship_by, False
    return handling.ship_by(plan.channel, plan.placed_at), True


def _issue(uow: UnitOfWork, plan: ShipmentsPlanned, shipment: PlannedShipment) -> None:
    uow.emit(
        topics.pick_tasks(shipment.location_id),
        shipment.shipment_id,
        PickTaskIssued(
            shipment_id=shipment.shipment_id,
            order_id=plan.order_id,
            location_id=shipment.location_id,
            carrier=shipment.carrier,
            service=shipment.service,
            ship_to=plan.ship_to,
            lines=shipment.lines,
            currency=plan.currency,
        ),
    )
    uow.emit(
        topics.FULFILLMENT_STATUS,
        plan.order_id,
        ShipmentStatusChanged(
            order_id=plan.order_id,
            shipment_id=shipment.shipment_id,
            location_id=shipment.location_id,
            status=ShipmentStatus.PICK_REQUESTED,
            carrier=shipment.carrier,
            lines=shipment.lines,
        ),
    )
    uow.log.info(
        "pick_task.issued",
        order_id=plan.order_id,
        shipment_id=shipment.shipment_id,
        location_id=shipment.location_id,
    )


async def stop_cancelled_orders(uow: UnitOfWork, event: OrderCancelled) -> None:
    """Ask the warehouse to stop each shipment of the order that has not left; one that has
    is noted as too late. Remembered, so a reservation arriving later issues no pick task."""
    await store.remember_cancellation(uow.conn, event.order_id, event.reason)
    book = await store.ShipmentBook.load(uow.conn, order_ids=[event.order_id])
    for shipment in book.by_id.values():
        if shipment.status is ShipmentStatus.CANCELLED or shipment.cancel_requested:
            continue
        if shipment.status in domain.NOT_LEFT:
            book.request_cancel(shipment)
            book.note(
                shipment,
                f"order cancelled ({event.reason or 'no reason given'}): asked the warehouse to stop it",
            )
            uow.emit(
                topics.pick_tasks(shipment.location_id),
                shipment.shipment_id,
                PickTaskCancelled(
                    shipment_id=shipment.shipment_id,
                    order_id=shipment.order_id,
                    location_id=shipment.location_id,
                    reason=event.reason,
                ),
            )
            tell_sent_to_warehouse(uow, shipment, "cancel")
            uow.log.info("pick_task.cancel_requested", shipment_id=shipment.shipment_id)
        else:
            book.note(shipment, "order cancelled after the shipment left: a return is needed")
            uow.log.warning("shipment.cancelled_too_late", shipment_id=shipment.shipment_id)
            start_return(uow, book, shipment, f"order cancelled ({event.reason or 'no reason'})")
    await book.save(uow.conn)


async def redirect_shipments(uow: UnitOfWork, event: OrderAddressChanged) -> None:
    """The buyer's new address to the warehouse for each shipment that has not left, to be
    answered (warehouse_reports); one that left is told on as too late (intake records it)."""
    book = await store.ShipmentBook.load(uow.conn, order_ids=[event.order_id])
    for shipment in book.by_id.values():
        if shipment.status not in domain.NOT_LEFT:
            book.note(shipment, "address changed after the shipment left: too late to relabel")
            uow.log.warning("shipment.address_change_too_late", shipment_id=shipment.shipment_id)
            tell_address_too_late(uow, shipment)
            continue
        book.await_address_change(shipment)
        book.note(shipment, "address changed: the new one sent to the warehouse, for its answer")
        uow.emit(
            topics.pick_tasks(shipment.location_id),
            shipment.shipment_id,
            PickTaskAddressChanged(
                shipment_id=shipment.shipment_id,
                order_id=shipment.order_id,
                location_id=shipment.location_id,
                ship_to=event.ship_to,
            ),
        )
        tell_sent_to_warehouse(uow, shipment, "address_change")
    await book.save(uow.conn)


async def escalate_ship_by(uow: UnitOfWork, now: datetime) -> int:
    """Announce each shipment not shipped yet that has used 50, 80 or 100% of its time to
    ship-by (each level once); returns how many were announced."""
    due = await store.escalate_ship_by(uow.conn, now)
    for row in due:
        uow.emit(
            topics.FULFILLMENT_ALERTS,
            row["order_id"],
            ShipByEscalated(
                order_id=row["order_id"],
                shipment_id=row["shipment_id"],
                location_id=row["location_id"],
                channel=row["channel"],
                level=row["level"],
                ship_by=row["ship_by"],
                ship_by_derived=row["ship_by_derived"],
            ),
            correlation_id=row["order_id"],
        )
        uow.log.warning(
            "shipment.ship_by_escalated",
            order_id=row["order_id"],
            shipment_id=row["shipment_id"],
            level=row["level"],
        )
    return len(due)
