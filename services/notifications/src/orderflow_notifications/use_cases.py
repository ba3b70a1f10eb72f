"""notifications' use cases."""

import structlog
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.intake import OrderAccepted
from orderflow_runtime import Item

from orderflow_notifications import store, templates

log = structlog.get_logger()


async def remember_contacts(items: list[Item[OrderAccepted]]) -> None:
    await store.save_contacts(items[-1].unit.conn, [item.event.order for item in items])


async def queue_notifications(items: list[Item[ShipmentStatusChanged]]) -> None:
    """One notification per shipment and kind; statuses without a template are not news."""
    news = [
        (item.event, item.unit.correlation_id)
        for item in items
        if item.event.status.value in templates.KINDS
    ]
    if not news:
        return
    for shipment_id, kind in await store.queue(items[-1].unit.conn, news):
        log.info("notification.queued", shipment_id=shipment_id, kind=kind)
