"""The SKUs whose level the compacted feed has yet to publish. A writer marks a SKU under its
lock (`stock.lock_skus`); the publisher takes the mark under the same lock, so a change made
after the level was read always leaves a new mark behind."""

from collections.abc import Sequence

import asyncpg


async def mark(conn: asyncpg.Connection, skus: Sequence[str]) -> None:
    await conn.execute(
        "INSERT INTO levels_due (sku) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
        sorted(set(skus)),
    )


async def marked(conn: asyncpg.Connection, limit: int) -> list[str]:
    rows = await conn.fetch("SELECT sku FROM levels_due ORDER BY sku LIMIT $1", limit)
    return [row["sku"] for row in rows]


async def take(conn: asyncpg.Connection, skus: Sequence[str]) -> list[str]:
    """Unmark these SKUs; the ones still marked (another publisher may have taken some)."""
    rows = await conn.fetch(
        "DELETE FROM levels_due WHERE sku = ANY($1::text[]) RETURNING sku", list(skus)
    )
    return sorted(row["sku"] for row in rows)
