"""notifications' privacy use cases: a customer's erasure, and the retention purge."""

from datetime import UTC, datetime, timedelta

from orderflow_contracts import topics
from orderflow_contracts.privacy import CustomerDataErased, CustomerErasureRequested
from orderflow_runtime import UnitOfWork

from orderflow_notifications.privacy import store

SERVICE = "notifications"


async def erase_customer(uow: UnitOfWork, event: CustomerErasureRequested) -> None:
    """Empty the customer's contacts and recipients, stop what is queued for them, and say so."""
    counts = await store.erase_customer(uow.conn, list(event.order_ids), event.email_digest)
    await store.remember_erased(uow.conn, event.erasure_id, list(event.order_ids))
    uow.emit(
        topics.PRIVACY_ERASURES,
        event.erasure_id,
        CustomerDataErased(erasure_id=event.erasure_id, service=SERVICE, counts=counts),
    )
    uow.log.info("privacy.customer_erased", erasure_id=event.erasure_id, **counts)


async def purge_expired(uow: UnitOfWork, retention: timedelta, limit: int = 500) -> int:
    """Empty the contacts of orders whose last notification settled longer than `retention`
    ago; returns how many contacts were emptied."""
    counts = await store.purge_settled(uow.conn, datetime.now(UTC) - retention, limit)
    if counts["contacts"]:
        uow.log.info("privacy.retention_purged", retention_days=retention.days, **counts)
    return counts["contacts"]
