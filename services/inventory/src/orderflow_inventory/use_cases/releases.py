"""Reservations given back: an order cancelled, or no shipment confirmed in time. The units freed
fill backorders first."""

from datetime import timedelta

import structlog
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.inventory import ReservationExpired
from orderflow_runtime import UnitOfWork

from orderflow_inventory import store
from orderflow_inventory.use_cases.levels import after_stock_change, fill_backorders

log = structlog.get_logger()


async def release_cancelled(uow: UnitOfWork, event: OrderCancelled) -> None:
    freed = await store.reservations.release(uow.conn, event.order_id)
    skus = sorted({sku for sku, _ in freed})
    log.info("reservation.released", order_id=event.order_id, skus=skus)
    await fill_backorders(uow, freed)
    await after_stock_change(uow, skus)


async def expire_unconfirmed(uow: UnitOfWork, ttl: timedelta) -> int:
    expired, freed = await store.reservations.expire_unconfirmed(uow.conn, ttl)
    for order_id, attempt in expired:
        uow.emit(
            topics.INVENTORY_RESERVATIONS,
            order_id,
            ReservationExpired(order_id=order_id, attempt=attempt),
            correlation_id=order_id,
        )
        log.warning("reservation.expired", order_id=order_id, correlation_id=order_id)
    await fill_backorders(uow, freed)
    await after_stock_change(uow, sorted({sku for sku, _ in freed}))
    return len(expired)
