"""inventory's privacy use cases: a customer's erasure, and the retention purge."""

from datetime import UTC, datetime, timedelta

import asyncpg
from orderflow_contracts import topics
from orderflow_contracts.privacy import (
    CustomerDataErased,
    CustomerErasureRequested,
    erased_address,
)
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_runtime import UnitOfWork

from orderflow_inventory.privacy import store

SERVICE = "inventory"


async def erase_customer(uow: UnitOfWork, event: CustomerErasureRequested) -> None:
    """Erase the address lines from the plans of the customer's reservations, and say so."""
    rows = await store.lock_plans_of_orders(uow.conn, list(event.order_ids))
    await _erase(uow.conn, rows)
    counts = {"reservations": len(rows)}
    await store.remember_erased(uow.conn, event.erasure_id, list(event.order_ids))
    uow.emit(
        topics.PRIVACY_ERASURES,
        event.erasure_id,
        CustomerDataErased(erasure_id=event.erasure_id, service=SERVICE, counts=counts),
    )
    uow.log.info("privacy.customer_erased", erasure_id=event.erasure_id, **counts)


async def purge_expired(uow: UnitOfWork, retention: timedelta, limit: int = 500) -> int:
    """Erase the address lines of up to `limit` plans whose reservation settled (committed,
    released, expired) longer than `retention` ago; returns how many."""
    rows = await store.lock_plans_due(uow.conn, datetime.now(UTC) - retention, limit)
    await _erase(uow.conn, rows)
    if rows:
        uow.log.info(
            "privacy.retention_purged", retention_days=retention.days, reservations=len(rows)
        )
    return len(rows)


async def _erase(conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> None:
    erased = []
    for row in rows:
        plan = ShipmentsPlanned.model_validate_json(row["plan"])
        kept = plan.model_copy(update={"ship_to": erased_address(plan.ship_to)})
        erased.append((row["order_id"], kept.model_dump_json()))
    await store.save_erased(conn, erased)
