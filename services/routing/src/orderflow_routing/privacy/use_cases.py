"""routing's privacy use cases: a customer's erasure, and the retention purge."""

from datetime import UTC, datetime, timedelta

import asyncpg
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.privacy import (
    CustomerDataErased,
    CustomerErasureRequested,
    erased_address,
    erased_customer,
)
from orderflow_runtime import UnitOfWork

from orderflow_routing.privacy import store

SERVICE = "routing"


async def erase_customer(uow: UnitOfWork, event: CustomerErasureRequested) -> None:
    """Erase the customer's name, e-mail and address lines from the orders routing keeps, and
    say so."""
    rows = await store.lock_orders_of_customer(uow.conn, list(event.order_ids), event.email_digest)
    await _erase(uow.conn, rows)
    counts = {"orders": len(rows)}
    await store.remember_erased(uow.conn, event.erasure_id, list(event.order_ids))
    uow.emit(
        topics.PRIVACY_ERASURES,
        event.erasure_id,
        CustomerDataErased(erasure_id=event.erasure_id, service=SERVICE, counts=counts),
    )
    uow.log.info("privacy.customer_erased", erasure_id=event.erasure_id, **counts)


async def purge_expired(uow: UnitOfWork, retention: timedelta, limit: int = 500) -> int:
    """Erase the buyer's data of up to `limit` orders settled (reserved or unroutable) longer
    than `retention` ago; returns how many."""
    rows = await store.lock_orders_due(uow.conn, datetime.now(UTC) - retention, limit)
    await _erase(uow.conn, rows)
    if rows:
        uow.log.info("privacy.retention_purged", retention_days=retention.days, orders=len(rows))
    return len(rows)


async def _erase(conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> None:
    erased = []
    for row in rows:
        accepted = OrderAccepted.model_validate_json(row["accepted"])
        order = accepted.order.model_copy(
            update={
                "customer": erased_customer(accepted.order.customer),
                "ship_to": erased_address(accepted.order.ship_to),
            }
        )
        erased.append((row["order_id"], OrderAccepted(order=order).model_dump_json()))
    await store.save_erased(conn, erased)
