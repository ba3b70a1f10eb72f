"""A returned parcel restocked (fulfillment's news): its units are back on hand at the location
that received it, once per shipment and SKU (the ledger's document `return:<shipment id>`).
A parcel written off changes nothing here: its units left on hand when it shipped."""

from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.warehouse import StockAdjusted
from orderflow_runtime import Item

from orderflow_inventory.use_cases.stock_events import apply_warehouse_document


async def restock_returns(items: list[Item[ShipmentStatusChanged]]) -> None:
    for item in items:
        news = item.event
        if news.status is not ShipmentStatus.RESTOCKED or item.unit.cause is None:
            continue
        for line in news.lines:
            returned = StockAdjusted(
                sku=line.sku,
                location_id=news.location_id,
                delta=line.quantity,
                reason=f"return restocked{': ' + news.reason if news.reason else ''}",
                reference=f"return:{news.shipment_id}",
            )
            await apply_warehouse_document(item.unit, returned, item.unit.cause.event_id)
