"""fulfillment's use cases: pick tasks out, status in, the customer-facing timeline out."""

import asyncpg
import structlog
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

log = structlog.get_logger()


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
    log.info(
        "pick_task.issued",
        order_id=plan.order_id,
        correlation_id=uow.correlation_id,
        shipment_id=shipment.shipment_id,
        location_id=shipment.location_id,
    )


async def apply_warehouse_report(uow: UnitOfWork, event: WarehouseReported) -> None:
    row = await store.shipment(uow.conn, shipment_id=event.shipment_id)
    if row is None:
        log.warning("shipment.unknown", shipment_id=event.shipment_id)
        return
    await _advance(uow, row, ShipmentStatus(event.status), event.tracking_number)


async def apply_tracking(uow: UnitOfWork, event: TrackingUpdated) -> None:
    status = ShipmentStatus(event.status)
    row = await store.shipment(uow.conn, tracking_number=event.tracking_number)
    if row is None:
        # The carrier can be faster than the warehouse's "shipped": keep the news for later.
        await store.park_tracking(uow.conn, event.tracking_number, status)
        log.info("tracking.parked", tracking_number=event.tracking_number, status=status.value)
        return
    await _advance(uow, row, status)


async def _advance(
    uow: UnitOfWork, row: asyncpg.Record, new: ShipmentStatus, tracking_number: str = ""
) -> None:
    current = ShipmentStatus(row["status"])
    verdict = domain.transition(current, new)
    if verdict is domain.Transition.REPEATED:
        return
    if verdict is domain.Transition.REFUSED:
        await store.record(
            uow.conn,
            row["shipment_id"],
            new,
            accepted=False,
            note=f"impossible after {current.value}",
        )
        log.warning(
            "shipment.transition_refused",
            shipment_id=row["shipment_id"],
            current=current.value,
            new=new.value,
        )
        return
    tracking = tracking_number or row["tracking_number"] or ""
    await store.set_status(uow.conn, row["shipment_id"], new, tracking)
    uow.emit(
        topics.FULFILLMENT_STATUS,
        row["order_id"],
        ShipmentStatusChanged(
            order_id=row["order_id"],
            shipment_id=row["shipment_id"],
            location_id=row["location_id"],
            status=new,
            carrier=row["carrier"],
            tracking_number=tracking,
            lines=store.lines_of(row),
        ),
    )
    log.info(
        "shipment.status_changed",
        order_id=row["order_id"],
        shipment_id=row["shipment_id"],
        status=new.value,
    )
    if new is ShipmentStatus.SHIPPED:
        await _shipped(uow, row, tracking)


async def _shipped(uow: UnitOfWork, row: asyncpg.Record, tracking_number: str) -> None:
    uow.emit(
        topics.MARKETPLACE_TRACKING,
        topics.channel_order_key(row["channel"], row["external_id"]),
        TrackingNumberAssigned(
            channel=row["channel"],
            external_id=row["external_id"],
            order_id=row["order_id"],
            carrier=row["carrier"],
            tracking_number=tracking_number,
        ),
    )
    for status in await store.take_parked_tracking(uow.conn, tracking_number):
        refreshed = await store.shipment(uow.conn, shipment_id=row["shipment_id"])
        assert refreshed is not None
        await _advance(uow, refreshed, status)
