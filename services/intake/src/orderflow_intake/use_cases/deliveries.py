"""An order is delivered when each of its parcels on their way is: one delivered parcel of a
split order leaves it shipped (`GET /orders?status=delivered` lists the orders whole at the
buyer's). A delivered order with a new parcel on its way (a short pick re-planned after the
others arrived) is shipped again until that one is delivered."""

import structlog
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_runtime import Item

from orderflow_intake.store.deliveries import note_deliveries

log = structlog.get_logger()


async def note_delivered(items: list[Item[ShipmentStatusChanged]]) -> None:
    """A poll's shipment news, in one statement each for the shipments and the orders."""
    news = [
        (item.event.order_id, item.event.shipment_id, item.event.status.value) for item in items
    ]
    correlation = {item.event.order_id: item.unit.correlation_id for item in items}
    noted = await note_deliveries(items[-1].unit.conn, news)
    for order_id in noted.reopened:
        log.info(
            "order.parcel_on_its_way_again", order_id=order_id, correlation_id=correlation[order_id]
        )
    for order_id in noted.delivered:
        log.info("order.delivered", order_id=order_id, correlation_id=correlation[order_id])
