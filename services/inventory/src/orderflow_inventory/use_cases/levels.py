"""What follows every change of stock: backorders filled from units that became free, the levels
feed with what each channel may show, and replenishment alerts."""

from collections.abc import Sequence

import structlog
from orderflow_contracts import topics
from orderflow_contracts.inventory import (
    ReorderPointReached,
    SlowMoverFlagged,
    StockLevelChanged,
    StockReserved,
)
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_runtime import UnitOfWork

from orderflow_inventory import domain, store
from orderflow_inventory.replenishment import ReorderAdvice

log = structlog.get_logger()


async def fill_backorders(uow: UnitOfWork, keys: Sequence[domain.Key]) -> None:
    """Stock that became free (arrived, released, expired) goes first to backorders at its
    location, oldest first, each whole, as a follow-up shipment. The caller holds the SKUs'
    locks."""
    if not keys:
        return
    free = await store.stock.lock_free_stock(uow.conn, keys)
    for row in await store.backorders.open_at(uow.conn, keys):
        key = (row["sku"], row["location_id"])
        if row["open"] > free.get(key, 0):
            continue
        plan = ShipmentsPlanned.model_validate_json(row["plan"])
        follow_up = domain.backorder_plan(plan, row["shipment_id"], key[0], row["open"], row["id"])
        await store.backorders.fill(uow.conn, row["id"])
        await store.reservations.reserve_follow_up(
            uow.conn, plan.order_id, follow_up.shipments[0].shipment_id, key, row["open"]
        )
        free[key] -= row["open"]
        uow.emit(topics.INVENTORY_RESERVATIONS, plan.order_id, StockReserved(plan=follow_up))
        log.info("backorder.filled", order_id=plan.order_id, sku=key[0], units=row["open"])


async def after_stock_change(uow: UnitOfWork, skus: Sequence[str], *, locked: bool = False) -> None:
    """Every change of stock marks its SKUs for the levels feed (`publish_due_levels` sends
    them) and is checked against the SKU's reorder point at once. `locked`: the caller holds
    every one of these SKUs' locks in this transaction (a round trip saved per batch)."""
    if not skus:
        return
    # Every other change of these SKUs has committed once we hold their locks (callers took them
    # already; taking them here keeps the snapshot whole for any caller).
    if not locked:
        await store.stock.lock_skus(uow.conn, skus)
    await _check_reorder_points(uow, await store.stock_changes.mark_changed(uow.conn, skus))


async def publish_due_levels(uow: UnitOfWork, limit: int = 1000) -> int:
    """The latest level of every SKU whose stock changed since it was last published, with what
    each channel may show, on the compacted feed: once a round (`levels_interval_s`) however
    often it changed. The SKUs are locked before their marks are taken and their levels read, so
    the record holds every committed change, and a change after it marks the SKU again."""
    skus = await store.levels_due.marked(uow.conn, limit)
    if not skus:
        return 0
    await store.stock.lock_skus(uow.conn, skus)
    skus = await store.levels_due.take(uow.conn, skus)
    levels = await store.stock.levels(uow.conn, skus)
    locations = await store.catalog.locations(uow.conn)
    policies = await store.catalog.policies_of_known_channels(uow.conn)
    for sku, at_locations in levels.items():
        channels = domain.channel_availability(
            {level.location_id: level.available for level in at_locations}, locations, policies
        )
        uow.emit(
            topics.INVENTORY_LEVELS,
            sku,
            StockLevelChanged(sku=sku, locations=tuple(at_locations), channels=tuple(channels)),
            correlation_id=sku,
        )
    return len(levels)


async def _check_reorder_points(
    uow: UnitOfWork, changed: dict[str, store.stock_changes.Changed]
) -> None:
    advice = {
        sku: ReorderAdvice.of(c.available, c.demand, c.product.lead_time, c.product.tier)
        for sku, c in changed.items()
    }
    below = {sku: changed[sku].available <= a.reorder_point for sku, a in advice.items()}
    for sku in sorted(await store.alerts.reorder_crossings(uow.conn, below)):
        alert = ReorderPointReached(
            sku=sku,
            tier=changed[sku].product.tier,
            available=changed[sku].available,
            reorder_point=advice[sku].reorder_point,
            safety_stock=advice[sku].safety_stock,
            suggested_quantity=advice[sku].suggested_quantity,
        )
        await store.alerts.save(uow.conn, sku, "reorder_point", alert.model_dump_json())
        uow.emit(topics.INVENTORY_ALERTS, sku, alert, correlation_id=sku)
        log.info(
            "alert.reorder_point",
            sku=sku,
            available=alert.available,
            reorder_point=alert.reorder_point,
        )


async def flag_slow_movers(uow: UnitOfWork) -> int:
    rows = await store.alerts.new_slow_movers(uow.conn)
    for row in rows:
        flagged = SlowMoverFlagged(
            sku=row["sku"], on_hand=row["on_hand"], days_without_sale=row["idle_days"]
        )
        await store.alerts.save(uow.conn, row["sku"], "slow_mover", flagged.model_dump_json())
        uow.emit(topics.INVENTORY_ALERTS, row["sku"], flagged, correlation_id=row["sku"])
        log.info("alert.slow_mover", sku=row["sku"], idle_days=row["idle_days"])
    return len(rows)
