"""Routing's plans, reserved a poll at a time. Business refusals are events, not exceptions."""

from collections import Counter

import structlog
from orderflow_contracts import topics
from orderflow_contracts.inventory import (
    OrderBackordered,
    ReservationHeld,
    ReservationRejected,
    StockReserved,
)
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_runtime import Item, UnitOfWork

from orderflow_inventory import domain, store
from orderflow_inventory.use_cases.levels import after_stock_change
from orderflow_inventory.use_cases.replans import reserve_replans

log = structlog.get_logger()


async def reserve_plans(items: list[Item[ShipmentsPlanned]]) -> None:
    """Every plan of a poll in one go: one lock of the rows they need, decided in the order they
    were read, written in one statement: four round trips (with the orders already decided
    and the levels' marks), five when a plan is short."""
    replans = [item for item in items if item.event.replaces_shipment_id]
    if replans:
        await reserve_replans(replans, _announce)
        items = [item for item in items if not item.event.replaces_shipment_id]
        if not items:
            return
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
    need: domain.Need = Counter()
    for item in fresh:
        need.update(domain.needs_of(item.event))
    free = await store.stock.lock_skus_and_free_stock(unit.conn, need)
    # A channel's policy says only what to do when short: a batch that fits reads none.
    policies = await store.catalog.policies(unit.conn) if domain.shortages(need, free) else {}
    decisions = [
        domain.decide(item.event, free, policies.get(item.event.channel, domain.DEFAULT_POLICY))
        for item in fresh
    ]
    await store.reservations.save_decisions(unit.conn, decisions)
    for item, decision in zip(fresh, decisions, strict=True):
        _announce(item.unit, decision)
    taken_skus = sorted({sku for d in decisions for sku, _ in d.taken})  # locked above
    await after_stock_change(unit, taken_skus, locked=True)


def _announce(unit: UnitOfWork, decision: domain.Decision) -> None:
    key, attempt = decision.plan.order_id, decision.plan.attempt
    if decision.reserved is not None:
        unit.emit(topics.INVENTORY_RESERVATIONS, key, StockReserved(plan=decision.reserved))
    if decision.backordered:
        unit.emit(
            topics.INVENTORY_BACKORDERS,
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
