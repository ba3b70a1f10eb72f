"""A returned parcel restocked (fulfillment's news): its units are back on hand at the location
that received it, once per shipment and SKU (the ledger's document `return:<shipment id>`),
whatever location later news of the same return names. A parcel written off changes nothing
here: its units left on hand when it shipped."""

from collections import Counter

from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.warehouse import StockAdjusted
from orderflow_runtime import Item

from orderflow_inventory import store
from orderflow_inventory.use_cases.stock_events import apply_warehouse_document


async def restock_returns(items: list[Item[ShipmentStatusChanged]]) -> None:
    for item in items:
        news = item.event
        if news.status is not ShipmentStatus.RESTOCKED or item.unit.cause is None:
            continue
        reference = f"return:{news.shipment_id}"
        units: Counter[str] = Counter()
        for line in news.lines:  # one SKU may come on several lines
            units[line.sku] += line.quantity
        restocked = await store.ledger.adjusted_skus(item.unit.conn, reference)
        for sku, quantity in sorted(units.items()):
            if sku in restocked:
                item.unit.log.warning(
                    "return.already_restocked",
                    shipment_id=news.shipment_id,
                    sku=sku,
                    location_id=news.location_id,
                    restocked_at=restocked[sku],
                )
                continue
            returned = StockAdjusted(
                sku=sku,
                location_id=news.location_id,
                delta=quantity,
                reason=f"return restocked{': ' + news.reason if news.reason else ''}",
                reference=reference,
            )
            await apply_warehouse_document(item.unit, returned, item.unit.cause.event_id)
