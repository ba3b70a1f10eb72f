"""The SQL of routing's privacy work: the accepted orders that hold a buyer's data, found and
rewritten."""

from datetime import datetime

import asyncpg

_EMAIL = "accepted #>> '{order,customer,email}'"
_OF_CUSTOMER = f"encode(sha256(convert_to(lower(btrim({_EMAIL})), 'UTF8')), 'hex') = $2"


async def lock_orders_of_customer(
    conn: asyncpg.Connection, order_ids: list[str], digest: str
) -> list[asyncpg.Record]:
    """The customer's orders, by the ids intake sent and by the e-mail's digest."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT order_id, accepted::text AS accepted FROM orders"
        f" WHERE order_id = ANY($1::text[]) OR {_OF_CUSTOMER} ORDER BY order_id FOR UPDATE",
        order_ids,
        digest,
    )


async def lock_orders_due(
    conn: asyncpg.Connection, settled_before: datetime, limit: int
) -> list[asyncpg.Record]:
    """Reserved or unroutable orders untouched since the cutoff, and orders an erasure named
    that arrived after it, not erased yet."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT order_id, accepted::text AS accepted FROM orders WHERE pii_erased_at IS NULL"
        " AND ((status IN ('reserved', 'unroutable') AND updated_at < $1)"
        "  OR order_id IN (SELECT order_id FROM erased_orders))"
        " ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED",
        settled_before,
        limit,
    )


async def save_erased(conn: asyncpg.Connection, orders: list[tuple[str, str]]) -> None:
    """(order id, accepted order without its buyer's data)."""
    await conn.executemany(
        "UPDATE orders SET accepted = $2::jsonb, pii_erased_at = now() WHERE order_id = $1",
        orders,
    )


async def remember_erased(conn: asyncpg.Connection, erasure_id: str, order_ids: list[str]) -> None:
    """The erasure's order ids, so what of them arrives later is erased too."""
    await conn.execute(
        "INSERT INTO erased_orders (order_id, erasure_id)"
        " SELECT unnest($1::text[]), $2 ON CONFLICT (order_id) DO NOTHING",
        order_ids,
        erasure_id,
    )
