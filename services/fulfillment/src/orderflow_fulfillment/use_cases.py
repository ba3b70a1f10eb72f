"""fulfillment's use cases: pick tasks out, status in, the customer-facing timeline out."""

import asyncpg
from orderflow_contracts import topics
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.fulfillment import (
    PickTaskIssued,
    ShipmentStatus,
    ShipmentStatusChanged,
    TrackingNumberAssigned,
)
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_runtime import Item, UnitOfWork

from orderflow_fulfillment import domain, store


async def issue_pick_tasks(items: list[Item[StockReserved]]) -> None:
    """A poll's reservations become pick tasks with one insert; a shipment seen before (a
    redelivered reservation) issues nothing."""
    planned = [(item, shipment) for item in items for shipment in item.event.plan.shipments]
    created = await store.create_shipments(
        items[-1].unit.conn, [(item.event.plan, shipment) for item, shipment in planned]
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
    for item in items:
        shipment = book.by_id.get(item.event.shipment_id)
        if shipment is None:
            item.unit.log.warning(
                "shipment.unknown",
                shipment_id=item.event.shipment_id,
            )
            continue
        status = ShipmentStatus(item.event.status)
        if _advance(item.unit, book, shipment, status, item.event.tracking_number):
            if status is ShipmentStatus.SHIPPED:
                shipped.append((item.unit, shipment))
    await _apply_parked_tracking(conn, book, shipped)
    await book.save(conn)


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
