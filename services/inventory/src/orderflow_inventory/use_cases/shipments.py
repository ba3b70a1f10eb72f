"""Fulfillment's news of shipments: confirmed reservations no longer expire, shipped goods leave,
returns restocked come back (returns)."""

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

import structlog
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.inventory import StockDiscrepancyFound
from orderflow_runtime import Item

from orderflow_inventory import store
from orderflow_inventory.domain import Movement
from orderflow_inventory.use_cases.levels import after_stock_change
from orderflow_inventory.use_cases.returns import restock_returns

log = structlog.get_logger()


async def confirm_or_commit(items: list[Item[ShipmentStatusChanged]]) -> None:
    """A shipment's news confirms its reservation (it will not expire); shipped goods leave.
    Goods that shipped beyond what the books had free are recorded as a discrepancy, not
    refused: the warehouse's news is a fact, and the rest of the batch goes on."""
    unit = items[-1].unit
    shipped = [i for i in items if i.event.status is ShipmentStatus.SHIPPED]
    shipment_ids = [item.event.shipment_id for item in shipped]
    at_work = [i.event.shipment_id for i in items if i.event.status in _AT_THE_WAREHOUSE]
    expired_skus = await store.reservations.skus_expired(unit.conn, at_work)  # mostly none
    await store.stock.lock_skus(
        unit.conn,
        sorted(
            set(await store.reservations.skus_of_shipments(unit.conn, shipment_ids))
            | set(expired_skus)
        ),
    )
    held_again = await _hold_again(items, at_work) if expired_skus else []
    await store.reservations.confirm(unit.conn, sorted({item.event.order_id for item in items}))
    committed, discrepancies = await store.reservations.commit_shipments(unit.conn, shipment_ids)
    correlation = {item.event.shipment_id: item.unit.correlation_id for item in shipped}
    _log_commits(committed, discrepancies, correlation)
    units_of = {item.event.shipment_id: item.unit for item in shipped}
    for d in discrepancies:
        units_of[d.reference].emit(
            topics.INVENTORY_ALERTS,
            d.sku,
            StockDiscrepancyFound(
                sku=d.sku,
                location_id=d.location_id,
                units=d.on_hand_delta,
                shipment_id=d.reference,
                reason=d.reason,
            ),
        )
    sold: Counter[str] = Counter()
    for units in committed.values():
        sold.update(units)
    if sold:
        await store.sales.record(unit.conn, sorted(sold.items()), datetime.now(UTC).date())
        await store.alerts.clear_slow_movers(unit.conn, sorted(sold))
    if sold or held_again:
        await after_stock_change(unit, sorted(set(sold) | set(held_again)))
    await restock_returns(items)


# The warehouse has the pick task and has not shipped it: its stock must stay held.
_AT_THE_WAREHOUSE = frozenset(
    {
        ShipmentStatus.PICK_REQUESTED,
        ShipmentStatus.ACCEPTED,
        ShipmentStatus.PICKED,
        ShipmentStatus.PACKED,
    }
)
# What inventory reads of a shipment's news: the warehouse's steps (its stock stays held), the
# departure (the goods leave), a stop or refusal (what is still held stays confirmed until its
# release comes) and a restock. The carrier's and the return's news in between change nothing
# here: shipped goods were committed when they shipped.
_OF_STOCK = _AT_THE_WAREHOUSE | {
    ShipmentStatus.SHIPPED,
    ShipmentStatus.CANCELLED,
    ShipmentStatus.REJECTED,
    ShipmentStatus.RESTOCKED,
}


def is_stock_news(event: ShipmentStatusChanged) -> bool:
    return event.status in _OF_STOCK


async def _hold_again(items: list[Item[ShipmentStatusChanged]], at_work: list[str]) -> list[str]:
    """Reservations that expired before the warehouse's news came: held again where the stock
    is still free; returns the SKUs held again."""
    again, short = await store.reservations.hold_again(items[-1].unit.conn, at_work)
    unit_of = {item.event.shipment_id: item.unit for item in items}
    for lines, event in ((again, "reservation.held_again"), (short, "reservation.stock_gone")):
        for order_id, shipment_id, sku, location_id, units in lines:
            log_of = unit_of[shipment_id].log
            (log_of.info if lines is again else log_of.warning)(
                event, order_id=order_id, shipment_id=shipment_id, sku=sku,
                location_id=location_id, units=units,
            )  # fmt: skip
    return sorted({sku for _, _, sku, _, _ in again})


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
