"""routing's use cases: plan on acceptance, re-plan on rejection, keep the stock replica."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import structlog
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.inventory import (
    ReservationHeld,
    ReservationRejected,
    StockLevelChanged,
    StockReserved,
)
from orderflow_contracts.routing import OrderUnroutable, PlannedShipment, ShipmentsPlanned
from orderflow_runtime import Item, UnitOfWork

from orderflow_routing import costs, domain, store

log = structlog.get_logger()


@dataclass
class References:
    """The reference data in use: the latest stored version with the catalog's products, read
    again when another version was stored or a product defined (by this instance or any
    other), so the next order uses it."""

    network: domain.Network
    catalog_revision: int = 0

    async def current(self, conn: asyncpg.Connection) -> domain.Network:
        version, revision = await store.reference_state(conn)
        if version is None or (version, revision) == (self.network.version, self.catalog_revision):
            return self.network
        stored = await store.reference(conn, version)
        data = stored.data if stored is not None else self.network.data
        self.network = domain.Network(data, await store.catalog_products(conn))
        self.catalog_revision = revision
        log.info("reference.in_use", version=data.version, catalog_revision=revision)
        return self.network


async def plan_orders(items: list[Item[OrderAccepted]], references: References) -> None:
    """A poll's accepted orders planned together: one read of the replica, which each plan then
    draws down so later orders in the batch do not count on the same units, and one write per
    table."""
    conn = items[-1].unit.conn
    latest = {item.event.order.order_id: item for item in items}  # a copy in the batch: the last
    to_plan = await store.remember_orders(conn, [item.event for item in latest.values()])
    fresh = [(item, to_plan[order_id]) for order_id, item in latest.items() if order_id in to_plan]
    if not fresh:
        return
    skus = sorted({line.sku for item, _ in fresh for line in item.event.order.lines})
    stock = dict(await store.stock_for(conn, skus))
    network = await references.current(conn)
    now = datetime.now(UTC)
    load = await store.used_today(conn, network.local_days(now))
    # A round's first plan: inventory has confirmed none of the replica's figures for it yet.
    outcomes = [
        _decide(item.event, attempt, network, stock, now, load, confirmed=())
        for item, attempt in fresh
    ]
    await store.record_decisions(
        conn,
        [
            (item.event.order.order_id, attempt, outcome)
            for (item, attempt), outcome in zip(fresh, outcomes, strict=True)
        ],
    )
    for (item, attempt), outcome in zip(fresh, outcomes, strict=True):
        _announce(item.unit, item.event.order.order_id, attempt, outcome)


async def replan_rejected(
    uow: UnitOfWork, event: ReservationRejected, references: References, max_attempts: int
) -> None:
    known = await store.order(uow.conn, event.order_id)
    if known is None or known.attempt != event.attempt or known.status != "planned":
        log.info("rejection.stale_ignored", order_id=event.order_id, attempt=event.attempt)
        return
    accepted, attempt = known.accepted, known.attempt
    await store.note_rejection(
        uow.conn, event.order_id, attempt, [s.model_dump() for s in event.shortages]
    )
    await store.release_load(uow.conn, event.order_id, attempt)  # that plan will not ship
    # The rejection carries inventory's own figures: fresher than our replica.
    await store.set_available(
        uow.conn, [(s.sku, s.location_id, s.available) for s in event.shortages]
    )
    figures = await store.inventory_figures(uow.conn, event.order_id, known.first_attempt)
    if known.attempts_this_round >= max_attempts:
        tried = known.attempts_this_round
        reason = f"stock rejected {tried} plans{citing(figures)}"
        await _give_up(uow, accepted.order.order_id, attempt, reason)
        return
    stock = dict(await store.stock_for(uow.conn, store.line_skus(accepted.order.lines)))
    network = await references.current(uow.conn)
    now = datetime.now(UTC)
    load = await store.used_today(uow.conn, network.local_days(now))
    outcome = _decide(accepted, attempt + 1, network, stock, now, load, confirmed=figures)
    if outcome.plan is None:
        reason = f"{outcome.reason}{citing(figures)}"
        outcome = store.Outcome(None, reason, outcome.explanation | {"reason": reason})
    await store.record_decisions(uow.conn, [(event.order_id, attempt + 1, outcome)])
    _announce(uow, event.order_id, attempt + 1, outcome)


def citing(figures: Mapping[domain.Key, store.Figure]) -> str:
    """Inventory's figures for an order, as a reason ends with them ('' when it gave none)."""
    if not figures:
        return ""
    cited = ", ".join(
        f"{sku}@{location} {figure.available}/{figure.requested}"
        for (sku, location), figure in sorted(figures.items())
    )
    return f"; inventory's figures: {cited}"


def order_costs(event: OrderAccepted, network: domain.Network, now: datetime) -> costs.Order:
    """What the cost function weighs of an order, planned at `now`."""
    order = event.order
    country, postal = order.ship_to.country, order.ship_to.postal_code
    return costs.Order(
        channel=order.channel,
        country=country,
        postal_code=postal,
        now=now,
        ship_by=order.ship_by,
        deliver_by=order.deliver_by or network.promised(order.channel, country, order.placed_at),
        remote=network.is_remote(country, postal),
    )


def _decide(
    event: OrderAccepted,
    attempt: int,
    network: domain.Network,
    stock: dict[domain.Key, int],
    now: datetime,
    load: dict[str, int],
    confirmed: Collection[domain.Key] | None,
) -> store.Outcome:
    """Plan one order against `stock` and today's `load`, and take what the plan ships out of
    both. `confirmed`: the figures inventory gave for this order, where a shortage only the
    replica shows is sent to inventory anyway (domain.plan_on_replica); None where the
    replica's word is final. The explanation keeps what the plan saw (stock, load, time,
    reference version, what was confirmed), so a what-if replays it faithfully."""
    order = event.order
    skus = {line.sku for line in order.lines}
    seen: dict[str, object] = {
        "stock": {f"{s}@{loc}": n for (s, loc), n in stock.items() if s in skus and n},
        "load": dict(load),
        "at": now.isoformat(),
    }
    costed = order_costs(event, network, now)
    if confirmed is not None:
        seen["confirmed"] = sorted(f"{sku}@{loc}" for sku, loc in confirmed)
    decision = domain.plan_on_replica(order.lines, costed, stock, network, load, confirmed)
    explanation = explain(decision, network.version) | {"seen": seen}
    if not decision.routed:
        return store.Outcome(None, decision.reason, explanation)
    shipments = planned_shipments(decision, order.order_id, order.channel, attempt)
    for shipment in shipments:
        load[shipment.location_id] = load.get(shipment.location_id, 0) + 1
        for line in shipment.lines:
            key = (line.sku, shipment.location_id)
            stock[key] = stock.get(key, 0) - line.quantity
    explanation["chosen"] = [s.model_dump(mode="json") for s in shipments]
    plan = ShipmentsPlanned(
        order_id=order.order_id,
        channel=order.channel,
        external_id=order.external_id,
        attempt=attempt,
        ship_to=order.ship_to,
        shipments=shipments,
        placed_at=order.placed_at,
        ship_by=order.ship_by,
        currency=order.currency,
    )
    days = {s.location_id: network.local_day(s.location_id, now) for s in shipments}
    explanation["load_days"] = {loc: day.isoformat() for loc, day in days.items()}
    return store.Outcome(plan, decision.reason, explanation, days)


def explain(decision: domain.Decision, version: int) -> dict[str, object]:
    replica = {"unconfirmed_replica_says": decision.replica_says} if decision.replica_says else {}
    return replica | {
        "reason": decision.reason,
        "reference_version": version,
        "method": decision.method,
        "total": str(decision.total) if decision.routed else "",
        "candidates": decision.candidates,
        "plans": decision.plans,
        "plans_tried": decision.plans_tried,
    }


def planned_shipments(
    decision: domain.Decision, order_id: str, channel: str, attempt: int
) -> tuple[PlannedShipment, ...]:
    return tuple(
        PlannedShipment(
            shipment_id=domain.shipment_id(order_id, attempt, s.location_id),
            location_id=s.location_id,
            carrier=s.quote.service.carrier,
            service=s.quote.service.service,
            cost=str(s.quote.parts.shipping),
            lines=s.lines,
            carrier_code=s.quote.service.marketplace_codes.get(channel, ""),
        )
        for s in decision.shipments
    )


def _announce(uow: UnitOfWork, order_id: str, attempt: int, outcome: store.Outcome) -> None:
    if outcome.plan is None:
        uow.emit(
            topics.ROUTING_UNROUTABLE,
            order_id,
            OrderUnroutable(order_id=order_id, attempt=attempt, reason=outcome.reason),
        )
        log.warning("order.unroutable", order_id=order_id, attempt=attempt, reason=outcome.reason)
        return
    uow.emit(topics.ROUTING_PLANS, order_id, outcome.plan)
    uow.log.info(
        "order.planned",
        order_id=order_id,
        attempt=attempt,
        shipments=len(outcome.plan.shipments),
        on_unconfirmed_replica="unconfirmed_replica_says" in outcome.explanation,
    )


async def _give_up(
    uow: UnitOfWork,
    order_id: str,
    attempt: int,
    reason: str,
    explanation: dict[str, object] | None = None,
) -> None:
    outcome = store.Outcome(None, reason, explanation or {"reason": reason})
    await store.record_decisions(uow.conn, [(order_id, attempt, outcome)])
    _announce(uow, order_id, attempt, outcome)


async def hold_short_order(uow: UnitOfWork, event: ReservationHeld) -> None:
    """The channel's policy holds orders stock cannot cover: no re-plan, an operator decides."""
    known = await store.order(uow.conn, event.order_id)
    if known is None or known.attempt != event.attempt or known.status != "planned":
        log.info("hold.stale_ignored", order_id=event.order_id, attempt=event.attempt)
        return
    short = ", ".join(
        f"{s.sku}@{s.location_id} {s.available}/{s.requested}" for s in event.shortages
    )
    await store.release_load(uow.conn, event.order_id, event.attempt)
    await _give_up(
        uow, event.order_id, event.attempt, f"not enough stock, held by channel policy: {short}"
    )


async def confirm_reserved(items: list[Item[StockReserved]]) -> None:
    await store.mark_reserved(items[-1].unit.conn, [item.event.plan.order_id for item in items])


async def refresh_replica(items: list[Item[StockLevelChanged]]) -> None:
    """The latest figure of each (SKU, location) in the batch wins: events are in order."""
    latest = {
        (item.event.sku, level.location_id): level.available
        for item in items
        for level in item.event.locations
    }
    await store.set_available(
        items[-1].unit.conn, [(sku, location, units) for (sku, location), units in latest.items()]
    )
