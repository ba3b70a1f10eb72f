"""inventory's use cases. Business refusals are events, not exceptions."""

import structlog
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.inventory import ReservationRejected, StockLevelChanged, StockReserved
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_contracts.warehouse import StockReceived
from orderflow_runtime import UnitOfWork

from orderflow_inventory import domain, store

log = structlog.get_logger()


async def reserve_stock(uow: UnitOfWork, plan: ShipmentsPlanned) -> None:
    previous = await store.reservation_attempt(uow.conn, plan.order_id)
    if previous is not None:
        log.info("reservation.already_held", order_id=plan.order_id, attempt=previous)
        return
    need = domain.needs_of(plan)
    free = await store.lock_free_stock(uow.conn, need)
    shortages = domain.shortages(need, free)
    if shortages:
        uow.emit(
            topics.INVENTORY_RESERVATIONS,
            plan.order_id,
            ReservationRejected(
                order_id=plan.order_id, attempt=plan.attempt, shortages=tuple(shortages)
            ),
        )
        log.info("reservation.rejected", order_id=plan.order_id, short=[s.sku for s in shortages])
        return
    await store.reserve(uow.conn, plan, need)
    uow.emit(topics.INVENTORY_RESERVATIONS, plan.order_id, StockReserved(plan=plan))
    log.info("stock.reserved", order_id=plan.order_id, lines=sum(need.values()))
    await publish_levels(uow, sorted({sku for sku, _ in need}))


async def receive_stock(uow: UnitOfWork, event: StockReceived) -> None:
    await store.receive(uow.conn, event.sku, event.location_id, event.quantity, event.reference)
    log.info(
        "stock.received", sku=event.sku, location_id=event.location_id, quantity=event.quantity
    )
    await publish_levels(uow, [event.sku])


async def commit_shipped(uow: UnitOfWork, event: ShipmentStatusChanged) -> None:
    if event.status is not ShipmentStatus.SHIPPED:
        return
    skus = await store.commit_shipment(uow.conn, event.shipment_id)
    if skus:
        log.info("reservation.committed", shipment_id=event.shipment_id, skus=skus)
        await publish_levels(uow, skus)


async def release_cancelled(uow: UnitOfWork, event: OrderCancelled) -> None:
    skus = await store.release(uow.conn, event.order_id)
    log.info("reservation.released", order_id=event.order_id, skus=skus)
    if skus:
        await publish_levels(uow, skus)


async def publish_levels(uow: UnitOfWork, skus: list[str]) -> None:
    for sku, locations in (await store.levels(uow.conn, skus)).items():
        uow.emit(
            topics.INVENTORY_LEVELS, sku, StockLevelChanged(sku=sku, locations=tuple(locations))
        )
