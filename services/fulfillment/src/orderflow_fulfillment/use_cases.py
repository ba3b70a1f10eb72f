"""fulfillment's use cases: pick tasks out, status in, the customer-facing timeline out."""

from datetime import datetime

import asyncpg
from orderflow_contracts import topics
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.fulfillment import (
    PickTaskAddressChanged,
    PickTaskCancelled,
    PickTaskIssued,
    ShipByEscalated,
    ShipmentStatus,
    ShipmentStatusChanged,
    TrackingNumberAssigned,
)
from orderflow_contracts.intake import OrderAddressChanged, OrderCancelled
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_runtime import Item, UnitOfWork

from orderflow_fulfillment import domain, store

NOT_LEFT = frozenset({ShipmentStatus.PICK_REQUESTED, ShipmentStatus.PICKED, ShipmentStatus.PACKED})


async def issue_pick_tasks(items: list[Item[StockReserved]]) -> None:
    """A poll's reservations become pick tasks with one insert; a shipment seen before (a
    redelivered reservation) issues nothing, nor does an order cancelled meanwhile."""
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
    created = await store.create_shipments(
        conn, [(item.event.plan, shipment) for item, shipment in planned]
    )
    for item, shipment in planned:
        if shipment.shipment_id not in created:
            continue
        created.discard(shipment.shipment_id)  # the same shipment twice in a batch: once
        _issue(item.unit, item.event.plan, shipment)


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


async def apply_warehouse_reports(items: list[Item[WarehouseReported]]) -> None:
    """A poll's warehouse reports, applied in the order they were read, written at once."""
    conn = items[-1].unit.conn
    book = await store.ShipmentBook.load(conn, shipment_ids=[i.event.shipment_id for i in items])
    shipped: list[tuple[UnitOfWork, store.Shipment]] = []
    refused: list[tuple[WarehouseReported, str, str]] = []
    for item in items:
        shipment = book.by_id.get(item.event.shipment_id)
        if shipment is None:
            refused.append((item.event, "no such shipment", item.unit.correlation_id))
            item.unit.log.warning("warehouse_report.refused", shipment_id=item.event.shipment_id)
            continue
        status = ShipmentStatus(item.event.status)
        if _advance(item.unit, book, shipment, status, item.event.tracking_number):
            if status is ShipmentStatus.SHIPPED:
                shipped.append((item.unit, shipment))
                if shipment.cancel_requested:
                    _shipped_though_cancelled(item.unit, book, shipment)
    await _apply_parked_tracking(conn, book, shipped)
    await book.save(conn)
    await store.refuse_reports(conn, refused)


def _shipped_though_cancelled(
    uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment
) -> None:
    book.note(
        shipment, "shipped after the order was cancelled: too late to stop, a return is needed"
    )
    uow.log.warning(
        "shipment.shipped_after_cancellation",
        order_id=shipment.order_id,
        shipment_id=shipment.shipment_id,
    )


async def stop_cancelled_orders(uow: UnitOfWork, event: OrderCancelled) -> None:
    """Ask the warehouse to stop each shipment of the order that has not left; one that has
    is noted as too late. Remembered, so a reservation arriving later issues no pick task."""
    await store.remember_cancellation(uow.conn, event.order_id, event.reason)
    book = await store.ShipmentBook.load(uow.conn, order_ids=[event.order_id])
    for shipment in book.by_id.values():
        if shipment.status is ShipmentStatus.CANCELLED or shipment.cancel_requested:
            continue
        if shipment.status in NOT_LEFT:
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
            uow.log.info("pick_task.cancel_requested", shipment_id=shipment.shipment_id)
        else:
            book.note(shipment, "order cancelled after the shipment left: a return is needed")
            uow.log.warning("shipment.cancelled_too_late", shipment_id=shipment.shipment_id)
    await book.save(uow.conn)


async def redirect_shipments(uow: UnitOfWork, event: OrderAddressChanged) -> None:
    """The buyer's new address to the warehouse for each shipment that has not left."""
    book = await store.ShipmentBook.load(uow.conn, order_ids=[event.order_id])
    for shipment in book.by_id.values():
        if shipment.status not in NOT_LEFT:
            book.note(shipment, "address changed after the shipment left: too late to relabel")
            uow.log.warning("shipment.address_change_too_late", shipment_id=shipment.shipment_id)
            continue
        book.note(shipment, "address changed: the new one sent to the warehouse")
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
    await book.save(uow.conn)


async def _apply_parked_tracking(
    conn: asyncpg.Connection,
    book: store.ShipmentBook,
    shipped: list[tuple[UnitOfWork, store.Shipment]],
) -> None:
    """The carrier can be faster than the warehouse's "shipped": its news waited for this."""
    parked = await store.take_parked_tracking(conn, [s.tracking_number for _, s in shipped])
    for unit, shipment in shipped:
        for status in parked.get(shipment.tracking_number, []):
            _advance(unit, book, shipment, status)


async def apply_tracking(items: list[Item[TrackingUpdated]]) -> None:
    """A poll's carrier news; news for a tracking number not known yet is parked."""
    conn = items[-1].unit.conn
    book = await store.ShipmentBook.load(
        conn, tracking_numbers=[i.event.tracking_number for i in items]
    )
    early: list[tuple[str, ShipmentStatus]] = []
    for item in items:
        status = ShipmentStatus(item.event.status)
        shipment = book.by_tracking_number(item.event.tracking_number)
        if shipment is None:
            early.append((item.event.tracking_number, status))
            item.unit.log.info(
                "tracking.parked",
                tracking_number=item.event.tracking_number,
                status=status.value,
            )
            continue
        _advance(item.unit, book, shipment, status)
    await store.park_tracking(conn, early)
    await book.save(conn)


def _advance(
    uow: UnitOfWork,
    book: store.ShipmentBook,
    shipment: store.Shipment,
    new: ShipmentStatus,
    tracking_number: str = "",
) -> bool:
    """Apply one piece of news to the shipment; True if it moved it forward."""
    current = shipment.status
    verdict = domain.transition(current, new)
    if verdict is domain.Transition.REPEATED:
        return False
    if verdict is domain.Transition.REFUSED:
        book.record(shipment, new, accepted=False, note=f"impossible after {current.value}")
        uow.log.warning(
            "shipment.transition_refused",
            shipment_id=shipment.shipment_id,
            current=current.value,
            new=new.value,
        )
        return False
    book.change(shipment, new, tracking_number)
    _announce(uow, shipment)
    return True


def _announce(uow: UnitOfWork, shipment: store.Shipment) -> None:
    uow.emit(
        topics.FULFILLMENT_STATUS,
        shipment.order_id,
        ShipmentStatusChanged(
            order_id=shipment.order_id,
            shipment_id=shipment.shipment_id,
            location_id=shipment.location_id,
            status=shipment.status,
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
            lines=shipment.lines,
        ),
    )
    uow.log.info(
        "shipment.status_changed",
        order_id=shipment.order_id,
        shipment_id=shipment.shipment_id,
        status=shipment.status.value,
    )
    if shipment.status is ShipmentStatus.SHIPPED:
        uow.emit(
            topics.MARKETPLACE_TRACKING,
            topics.channel_order_key(shipment.channel, shipment.external_id),
            TrackingNumberAssigned(
                channel=shipment.channel,
                external_id=shipment.external_id,
                order_id=shipment.order_id,
                carrier=shipment.carrier,
                tracking_number=shipment.tracking_number,
            ),
        )


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
