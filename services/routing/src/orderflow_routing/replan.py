"""Lines a warehouse will not ship (it rejected the pick task or picked short), re-planned with
routing's own planning from every location but that one, once inventory has given back their
reservation there (`RejectedLinesReleased`).
The plan carries `replaces_shipment_id`: inventory adds it to the order's reservation, and the
rest of the order's plan stands."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import asyncpg
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.inventory import RejectedLinesReleased
from orderflow_runtime import UnitOfWork

from orderflow_routing import domain, store, use_cases

Decide = Callable[
    [asyncpg.Connection, OrderAccepted, int, dict[domain.Key, int]], Awaitable[store.Outcome]
]


def deciding_with(references: use_cases.References) -> Decide:
    """Routing's planning of one order's lines, as plan_orders and replan_rejected plan."""

    async def decide(
        conn: asyncpg.Connection,
        accepted: OrderAccepted,
        attempt: int,
        stock: dict[domain.Key, int],
    ) -> store.Outcome:
        network = await references.current(conn)
        now = datetime.now(UTC)
        load = await store.used_today(conn, network.local_days(now))
        # The replica's word is final here: a rejection of a lines re-plan would be re-planned
        # as the whole order, which inventory, holding the order's reservation, passes over.
        return use_cases._decide(accepted, attempt, network, stock, now, load, confirmed=None)

    return decide


async def replan_rejected_lines(
    uow: UnitOfWork, event: RejectedLinesReleased, decide: Decide
) -> None:
    known = await store.order(uow.conn, event.order_id)
    if known is None:
        uow.log.warning("replan.unknown_order", order_id=event.order_id)
        return
    if not event.short_pick:  # the whole pick task: that shipment will not leave
        await store.release_shipment_load(uow.conn, event.order_id, event.shipment_id)
    attempt = known.attempt + 1
    order = known.accepted.order.model_copy(update={"lines": event.lines})
    accepted = known.accepted.model_copy(update={"order": order})
    stock = dict(await store.stock_for(uow.conn, store.line_skus(event.lines)))
    for sku, location in list(stock):
        if location == event.location_id:
            stock[(sku, location)] = 0  # the location that would not ship them
    outcome = await decide(uow.conn, accepted, attempt, stock)
    replanned = {
        "replans": event.shipment_id,
        "excluded_location": event.location_id,
        "why": event.reason,
        "short_pick": event.short_pick,
    }
    plan = outcome.plan
    if plan is not None:
        plan = plan.model_copy(update={"replaces_shipment_id": event.shipment_id})
    outcome = store.Outcome(plan, outcome.reason, outcome.explanation | replanned, outcome.days)
    await store.record_decisions(uow.conn, [(event.order_id, attempt, outcome)])
    use_cases._announce(uow, event.order_id, attempt, outcome)
    uow.log.info(
        "order.lines_replanned",
        order_id=event.order_id,
        shipment_id=event.shipment_id,
        excluded_location=event.location_id,
        routed=plan is not None,
    )
