"""notifications' use cases."""

import structlog
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.intake import OrderAccepted
from orderflow_runtime import UnitOfWork

from orderflow_notifications import store, templates

log = structlog.get_logger()


async def remember_contact(uow: UnitOfWork, event: OrderAccepted) -> None:
    await store.save_contact(uow.conn, event.order)


async def queue_notification(uow: UnitOfWork, event: ShipmentStatusChanged) -> None:
    if event.status.value not in templates.KINDS:
        return
    if await store.queue(uow.conn, event, uow.correlation_id):
        log.info("notification.queued", order_id=event.order_id, kind=event.status.value)
