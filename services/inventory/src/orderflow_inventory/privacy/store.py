"""The SQL of inventory's privacy work: reservation plans that hold a buyer's address, found and
rewritten."""

from datetime import datetime

import asyncpg


async def lock_plans_of_orders(
    conn: asyncpg.Connection, order_ids: list[str]
) -> list[asyncpg.Record]:
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT order_id, plan::text AS plan FROM reservations"
        " WHERE order_id = ANY($1::text[]) AND plan IS NOT NULL ORDER BY order_id FOR UPDATE",
        order_ids,
    )


async def lock_plans_due(
    conn: asyncpg.Connection, settled_before: datetime, limit: int
) -> list[asyncpg.Record]:
    """Plans of reservations committed, released or expired before the cutoff, not erased."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT order_id, plan::text AS plan FROM reservations WHERE pii_erased_at IS NULL"
        " AND plan IS NOT NULL AND status IN ('committed', 'released', 'expired')"
        " AND updated_at < $1 ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        settled_before,
        limit,
    )


async def save_erased(conn: asyncpg.Connection, plans: list[tuple[str, str]]) -> None:
    """(order id, plan without the buyer's address lines)."""
    await conn.executemany(
        "UPDATE reservations SET plan = $2::jsonb, pii_erased_at = now() WHERE order_id = $1",
        plans,
    )
