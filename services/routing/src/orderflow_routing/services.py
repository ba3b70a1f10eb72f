"""routing's use cases: plan on acceptance, re-plan on rejection, keep the stock replica."""

import structlog
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.inventory import ReservationRejected, StockLevelChanged, StockReserved
from orderflow_contracts.routing import OrderUnroutable, PlannedShipment, ShipmentsPlanned
from orderflow_runtime import UnitOfWork

from orderflow_routing import domain, store

log = structlog.get_logger()


async def plan_order(uow: UnitOfWork, event: OrderAccepted, network: domain.Network) -> None:
    if not await store.remember_order(uow.conn, event):
        return
    await _plan(uow, event, 1, network)


async def replan_rejected(
    uow: UnitOfWork, event: ReservationRejected, network: domain.Network, max_attempts: int
) -> None:
    known = await store.order(uow.conn, event.order_id)
    if known is None or known[1] != event.attempt or known[2] != "planned":
        log.info("rejection.stale_ignored", order_id=event.order_id, attempt=event.attempt)
        return
    accepted, attempt, _ = known
    # The rejection carries inventory's own figures: fresher than our replica.
    await store.set_available(
        uow.conn, [(s.sku, s.location_id, s.available) for s in event.shortages]
    )
    if attempt >= max_attempts:
        await _give_up(uow, accepted.order.order_id, attempt, f"stock rejected {attempt} plans")
        return
    await _plan(uow, accepted, attempt + 1, network)


async def _plan(
    uow: UnitOfWork, event: OrderAccepted, attempt: int, network: domain.Network
) -> None:
    order = event.order
    decision = domain.plan(
        order.lines,
        order.ship_to.country,
        await store.stock_for(uow.conn, store.line_skus(order.lines)),
        network.rates,
        network.weights,
    )
    explanation = {"reason": decision.reason, "candidates": decision.candidates}
    if not decision.routed:
        await _give_up(uow, order.order_id, attempt, decision.reason, explanation)
        return
    shipments = tuple(
        PlannedShipment(
            shipment_id=domain.shipment_id(order.order_id, attempt, s.location_id),
            location_id=s.location_id,
            carrier=s.choice.carrier,
            service=s.choice.service,
            cost=str(s.choice.cost),
            lines=s.lines,
        )
        for s in decision.shipments
    )
    explanation["chosen"] = [s.model_dump(mode="json") for s in shipments]
    await store.record_decision(uow.conn, order.order_id, attempt, "planned", explanation)
    uow.emit(
        topics.ROUTING_PLANS,
        order.order_id,
        ShipmentsPlanned(
            order_id=order.order_id,
            channel=order.channel,
            external_id=order.external_id,
            attempt=attempt,
            ship_to=order.ship_to,
            shipments=shipments,
        ),
    )
    log.info("order.planned", order_id=order.order_id, attempt=attempt, shipments=len(shipments))


async def _give_up(
    uow: UnitOfWork,
    order_id: str,
    attempt: int,
    reason: str,
    explanation: dict[str, object] | None = None,
) -> None:
    await store.record_decision(
        uow.conn, order_id, attempt, "unroutable", explanation or {"reason": reason}
    )
    uow.emit(
        topics.ROUTING_PLANS,
        order_id,
        OrderUnroutable(order_id=order_id, attempt=attempt, reason=reason),
    )
    log.warning("order.unroutable", order_id=order_id, attempt=attempt, reason=reason)


async def confirm_reserved(uow: UnitOfWork, event: StockReserved) -> None:
    await store.mark_reserved(uow.conn, event.plan.order_id)


async def refresh_replica(uow: UnitOfWork, event: StockLevelChanged) -> None:
    await store.apply_levels(uow.conn, event)
