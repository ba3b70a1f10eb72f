"""notifications' use cases: keep each order's contact, queue what its customer should hear."""

from typing import Any

import structlog
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.inventory import OrderBackordered
from orderflow_runtime import Item

from orderflow_notifications import store, templates

log = structlog.get_logger()


async def remember_contacts(items: list[Item[OrderAccepted]]) -> None:
    await store.save_contacts(items[-1].unit.conn, [item.event.order for item in items])


async def queue_notifications(items: list[Item[ShipmentStatusChanged]]) -> None:
    """One notification per shipment and kind; statuses without a template are not news."""
    await _queue(
        items,
        [
            store.News(
                order_id=item.event.order_id,
                shipment_id=item.event.shipment_id,
                kind=item.event.status.value,
                correlation_id=item.unit.correlation_id,
                carrier=item.event.carrier,
                tracking_number=item.event.tracking_number,
            )
            for item in items
            if item.event.status.value in templates.KINDS
        ],
    )


async def tell_backordered(items: list[Item[OrderBackordered]]) -> None:
    """Part of the order waits for stock: its customer hears it once per order."""
    await _queue(
        items,
        [
            store.News(
                order_id=item.event.order_id,
                shipment_id=item.event.lines[0].shipment_id,
                kind="backordered",
                correlation_id=item.unit.correlation_id,
            )
            for item in items
            if item.event.lines
        ],
    )


async def _queue(items: list[Item[Any]], news: list[store.News]) -> None:
    if not news:
        return
    for shipment_id, kind in await store.queue(items[-1].unit.conn, news):
        log.info("notification.queued", shipment_id=shipment_id, kind=kind)
