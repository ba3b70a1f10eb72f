"""A warehouse will not ship some lines of a shipment (fulfillment's PickTaskRejected): their
reservation at that location is given back and routing is asked to re-plan them
(`RejectedLinesReleased`); its re-plan of only those lines (`ShipmentsPlanned.replaces_shipment_id`)
is reserved as more of the order's reservation."""

from collections import Counter
from collections.abc import Callable
from uuid import UUID

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import PickTaskRejected
from orderflow_contracts.inventory import RejectedLinesReleased
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_contracts.warehouse import StockAdjusted
from orderflow_runtime import Item, UnitOfWork

from orderflow_inventory import domain, store
from orderflow_inventory.use_cases.levels import after_stock_change, fill_backorders
from orderflow_inventory.use_cases.stock_events import apply_warehouse_document

Announce = Callable[[UnitOfWork, domain.Decision], None]


async def release_rejected_lines(uow: UnitOfWork, event: PickTaskRejected) -> None:
    units: Counter[str] = Counter()
    for line in event.lines:
        units[line.sku] += line.quantity
    skus = sorted(units)
    await store.stock.lock_skus(uow.conn, skus)
    why = f"{'picked short' if event.short_pick else 'rejected'} at {event.location_id}: {event.reason}"
    freed = await store.replans.release_lines(
        uow.conn, event.shipment_id, sorted(units.items()), why
    )
    uow.log.info(
        "reservation.released_rejected_lines",
        order_id=event.order_id,
        shipment_id=event.shipment_id,
        location_id=event.location_id,
        skus=skus,
    )
    if event.short_pick and uow.cause is not None:
        await _not_on_the_shelf(uow, event, units, uow.cause.event_id)
    await fill_backorders(uow, freed)
    await after_stock_change(uow, skus)
    released = RejectedLinesReleased.model_validate(event, from_attributes=True)
    uow.emit(topics.INVENTORY_RESERVATIONS, event.order_id, released)


async def _not_on_the_shelf(
    uow: UnitOfWork, event: PickTaskRejected, units: Counter[str], event_id: UUID
) -> None:
    """A short pick says the units are not there: on hand goes down by them, as a warehouse's
    adjustment would (once per shipment; held with the reason if that would leave less than
    is reserved), so they are not routed there again."""
    for sku, missing in sorted(units.items()):
        await apply_warehouse_document(
            uow,
            StockAdjusted(
                sku=sku,
                location_id=event.location_id,
                delta=-missing,
                reason=f"picked short: {event.reason}",
                reference=f"short:{event.shipment_id}",
            ),
            event_id,
        )


async def reserve_replans(items: list[Item[ShipmentsPlanned]], announce: Announce) -> None:
    """Each re-plan on its own: they are rare, and each adds to a reservation already held.
    Its outcome is announced as a plan's is (`announce`)."""
    for item in items:
        await _reserve_replan(item.unit, item.event, announce)


async def _reserve_replan(uow: UnitOfWork, plan: ShipmentsPlanned, announce: Announce) -> None:
    held = await store.reservations.of_order(uow.conn, plan.order_id)
    if held is None or held["status"] not in domain.LIVE:
        uow.log.info("replan.not_reserved_order_not_live", order_id=plan.order_id)
        return
    if await store.replans.shipments_known(uow.conn, [s.shipment_id for s in plan.shipments]):
        uow.log.info("replan.already_decided", order_id=plan.order_id)
        return
    keys = list(domain.needs_of(plan))
    await store.stock.lock_skus(uow.conn, sorted({sku for sku, _ in keys}))
    free = await store.stock.lock_free_stock(uow.conn, keys)
    policies = await store.catalog.policies(uow.conn)
    decision = domain.decide(plan, free, policies.get(plan.channel, domain.DEFAULT_POLICY))
    await store.replans.add_to_reservation(uow.conn, decision)
    announce(uow, decision)
    await after_stock_change(uow, sorted({sku for sku, _ in decision.taken}))
