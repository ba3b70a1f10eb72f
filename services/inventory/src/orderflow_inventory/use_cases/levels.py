"""inventory's use cases. Business refusals are events, not exceptions."""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import UUID

import structlog
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.inventory import (
    OrderBackordered,
    ReorderPointReached,
    ReservationExpired,
    ReservationHeld,
    ReservationRejected,
    SlowMoverFlagged,
    StockLevelChanged,
    StockReserved,
)
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_contracts.warehouse import StockAdjusted, StockCounted, StockReceived
from orderflow_runtime import Item, UnitOfWork

from orderflow_inventory import domain, store
from orderflow_inventory.domain import Movement
from orderflow_inventory.replenishment import Demand, ReorderAdvice

log = structlog.get_logger()

StockEvent = StockReceived | StockAdjusted | StockCounted


async def reserve_plans(items: list[Item[ShipmentsPlanned]]) -> None:
    """Every plan of a poll in one go: one lock of the rows they need, decided in the order they
    were read, written with one statement per table."""
    unit = items[-1].unit
    taken = await store.reservations.orders_with_reservation(
        unit.conn, [i.event.order_id for i in items]
    )
    fresh = []
    for item in items:
        if item.event.order_id in taken:
            log.info("reservation.already_decided", order_id=item.event.order_id)
            continue
        taken.add(item.event.order_id)
        fresh.append(item)
    if not fresh:
        return
    keys = [key for item in fresh for key in domain.needs_of(item.event)]
    await store.stock.lock_skus(unit.conn, [sku for sku, _ in keys])
    free = await store.stock.lock_free_stock(unit.conn, keys)
    policies = await store.catalog.policies(unit.conn)
    decisions = [
        domain.decide(item.event, free, policies.get(item.event.channel, domain.DEFAULT_POLICY))
        for item in fresh
    ]
    await store.reservations.save_decisions(unit.conn, decisions)
    for item, decision in zip(fresh, decisions, strict=True):
        _announce(item.unit, decision)
    await after_stock_change(unit, sorted({sku for d in decisions for sku, _ in d.taken}))


def _announce(unit: UnitOfWork, decision: domain.Decision) -> None:
    key, attempt = decision.plan.order_id, decision.plan.attempt
    if decision.reserved is not None:
        unit.emit(topics.INVENTORY_RESERVATIONS, key, StockReserved(plan=decision.reserved))
    if decision.backordered:
        unit.emit(
            topics.INVENTORY_RESERVATIONS,
            key,
            OrderBackordered(order_id=key, attempt=attempt, lines=decision.backordered),
        )
    if decision.outcome == "rejected":
        unit.emit(
            topics.INVENTORY_RESERVATIONS,
            key,
            ReservationRejected(order_id=key, attempt=attempt, shortages=decision.shortages),
        )
    if decision.outcome == "held":
        unit.emit(
            topics.INVENTORY_RESERVATIONS,
            key,
            ReservationHeld(order_id=key, attempt=attempt, shortages=decision.shortages),
        )
    unit.log.info(
        f"reservation.{decision.outcome}",
        order_id=key,
        units=sum(decision.taken.values()),
        short=[s.sku for s in decision.shortages],
    )


async def apply_stock_event(uow: UnitOfWork, event: StockEvent) -> None:
    assert uow.cause is not None
    await apply_warehouse_document(uow, event, uow.cause.event_id)


async def apply_warehouse_document(uow: UnitOfWork, event: StockEvent, event_id: UUID) -> None:
    """A receipt, adjustment or count, applied once per warehouse document. What cannot be
    applied (unknown SKU or location, fewer units than are promised) is held with the reason."""
    key = (event.sku, event.location_id)
    unknown = await store.catalog.unknown_reason(uow.conn, *key)
    if unknown is not None:
        await _hold(uow, event, event_id, unknown)
        return
    await store.stock.lock_skus(uow.conn, [event.sku])
    on_hand, reserved = await store.stock.lock_stock_row(uow.conn, key)
    movement = _movement(event, on_hand, str(event.reference or event_id))
    if on_hand + movement.on_hand_delta < reserved:
        await _hold(
            uow,
            event,
            event_id,
            f"below_reserved: {on_hand + movement.on_hand_delta} units would remain for"
            f" {reserved} reserved; release or move reservations, then replay",
        )
        return
    if not await store.ledger.record_document(uow.conn, movement):
        log.info("stock.document_already_applied", reference=movement.reference, kind=movement.kind)
        return
    if isinstance(event, StockCounted):
        await store.stock.record_count(uow.conn, key, on_hand, event.counted, movement.reference)
    await store.stock.change_stock(uow.conn, {key: movement.on_hand_delta}, {})
    log.info(
        f"stock.{movement.kind}", sku=event.sku, location_id=event.location_id,
        delta=movement.on_hand_delta, reference=movement.reference,
    )  # fmt: skip
    if movement.on_hand_delta > 0:
        await _fill_backorders(uow, [key])
    await after_stock_change(uow, [event.sku])


def _movement(event: StockEvent, on_hand: int, reference: str) -> Movement:
    sku, location = event.sku, event.location_id
    if isinstance(event, StockReceived):
        return Movement(sku, location, "receipt", reference, on_hand_delta=event.quantity)
    if isinstance(event, StockAdjusted):
        return Movement(sku, location, "adjustment", reference, event.delta, reason=event.reason)
    return Movement(
        sku, location, "count", reference, event.counted - on_hand, reason="cycle count"
    )


async def _hold(uow: UnitOfWork, event: StockEvent, event_id: UUID, reason: str) -> None:
    await store.held_events.hold(
        uow.conn, event.event_type, event.model_dump(mode="json"), event_id, reason
    )
    log.warning("stock.event_held", sku=event.sku, location_id=event.location_id, reason=reason)


async def replay_held(uow: UnitOfWork, ids: Sequence[int] | None = None) -> int:
    """Apply held warehouse events again, oldest first; those still not applicable are held
    anew with their current reason. Returns how many were replayed."""
    rows = await store.held_events.take_replayable(uow.conn, ids)
    models: dict[str, type[StockEvent]] = {
        model.event_type: model for model in (StockReceived, StockAdjusted, StockCounted)
    }
    for row in rows:
        event = models[row["event_type"]].model_validate_json(row["payload"])
        await apply_warehouse_document(uow, event, row["event_id"])
    return len(rows)


async def _fill_backorders(uow: UnitOfWork, keys: Sequence[domain.Key]) -> None:
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


async def confirm_or_commit(items: list[Item[ShipmentStatusChanged]]) -> None:
    """Any shipment news confirms its reservation (it will not expire); shipped goods leave.
    Goods that shipped beyond what the books had free are recorded as a discrepancy, not
    refused: the warehouse's news is a fact, and the rest of the batch goes on."""
    unit = items[-1].unit
    shipped = [i for i in items if i.event.status is ShipmentStatus.SHIPPED]
    shipment_ids = [item.event.shipment_id for item in shipped]
    await store.stock.lock_skus(
        unit.conn, await store.reservations.skus_of_shipments(unit.conn, shipment_ids)
    )
    await store.reservations.confirm(unit.conn, sorted({item.event.order_id for item in items}))
    committed, discrepancies = await store.reservations.commit_shipments(unit.conn, shipment_ids)
    correlation = {item.event.shipment_id: item.unit.correlation_id for item in shipped}
    _log_commits(committed, discrepancies, correlation)
    sold: Counter[str] = Counter()
    for units in committed.values():
        sold.update(units)
    if sold:
        await store.sales.record(unit.conn, sorted(sold.items()), datetime.now(UTC).date())
        await store.alerts.clear_slow_movers(unit.conn, sorted(sold))
        await after_stock_change(unit, sorted(sold))


def _log_commits(
    committed: dict[str, Counter[str]],
    discrepancies: Sequence[Movement],
    correlation: dict[str, str],
) -> None:
    for shipment_id, units in committed.items():
        log.info(
            "reservation.committed",
            shipment_id=shipment_id,
            correlation_id=correlation[shipment_id],
            skus=sorted(units),
        )
    for d in discrepancies:
        log.warning(
            "stock.discrepancy",
            sku=d.sku,
            location_id=d.location_id,
            shipment_id=d.reference,
            correlation_id=correlation[d.reference],
            units=d.on_hand_delta,
        )


async def release_cancelled(uow: UnitOfWork, event: OrderCancelled) -> None:
    freed = await store.reservations.release(uow.conn, event.order_id)
    skus = sorted({sku for sku, _ in freed})
    log.info("reservation.released", order_id=event.order_id, skus=skus)
    await _fill_backorders(uow, freed)
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
    await _fill_backorders(uow, freed)
    await after_stock_change(uow, sorted({sku for sku, _ in freed}))
    return len(expired)


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


async def after_stock_change(uow: UnitOfWork, skus: Sequence[str]) -> None:
    """Every change of stock is published at once, with what each channel may show, and checked
    against the SKU's reorder point."""
    if not skus:
        return
    # Every other change of these SKUs has committed once we hold their locks (callers took them
    # already; taking them here keeps the snapshot whole for any caller): the compacted feed's
    # latest record per SKU is never missing a concurrent change at another location.
    await store.stock.lock_skus(uow.conn, skus)
    levels = await store.stock.levels(uow.conn, skus)
    locations = await store.catalog.locations(uow.conn)
    policies = await store.catalog.policies_of_known_channels(uow.conn)
    available: dict[str, int] = {}
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
        available[sku] = sum(level.available for level in at_locations)
    await _check_reorder_points(uow, available)


async def _check_reorder_points(uow: UnitOfWork, available: dict[str, int]) -> None:
    products = await store.catalog.products(uow.conn, list(available))
    demand = await store.sales.demand(uow.conn, list(products))
    advice = {
        sku: ReorderAdvice.of(
            available[sku], demand.get(sku, Demand(0, 0)), product.lead_time, product.tier
        )
        for sku, product in products.items()
    }
    below = {sku: available[sku] <= a.reorder_point for sku, a in advice.items()}
    for sku in sorted(await store.alerts.reorder_crossings(uow.conn, below)):
        alert = ReorderPointReached(
            sku=sku,
            tier=products[sku].tier,
            available=available[sku],
            reorder_point=advice[sku].reorder_point,
            safety_stock=advice[sku].safety_stock,
            suggested_quantity=advice[sku].suggested_quantity,
        )
        await store.alerts.save(uow.conn, sku, "reorder_point", alert.model_dump_json())
        uow.emit(topics.INVENTORY_ALERTS, sku, alert, correlation_id=sku)
        log.info(
            "alert.reorder_point",
            sku=sku,
            available=available[sku],
            reorder_point=alert.reorder_point,
        )
