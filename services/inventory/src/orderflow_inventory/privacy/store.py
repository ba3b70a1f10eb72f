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
    """Plans of reservations committed, released or expired before the cutoff, and of orders
    an erasure named that arrived after it, not erased yet."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT order_id, plan::text AS plan FROM reservations WHERE pii_erased_at IS NULL"
        " AND plan IS NOT NULL AND ((status IN ('committed', 'released', 'expired')"
        "  AND updated_at < $1) OR order_id IN (SELECT order_id FROM erased_orders))"
        " ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        settled_before,
        limit,
    )


async def save_erased(conn: asyncpg.Connection, plans: list[tuple[str, str]]) -> None:
    """(order id, plan without the buyer's address lines)."""
    await conn.executemany(
        "UPDATE reservations SET plan = $2::jsonb, pii_erased_at = now() WHERE order_id = $1",
        plans,
    )


async def remember_erased(conn: asyncpg.Connection, erasure_id: str, order_ids: list[str]) -> None:
    """The erasure's order ids, so what of them arrives later is erased too."""
    await conn.execute(
        "INSERT INTO erased_orders (order_id, erasure_id)"
        " SELECT unnest($1::text[]), $2 ON CONFLICT (order_id) DO NOTHING",
        order_ids,
        erasure_id,
    )
