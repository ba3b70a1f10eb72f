"""Backorders (`backorders`): what a partial reservation could not take, filled as stock becomes
free and closed with the order that waits for them."""

from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg
from orderflow_contracts.inventory import BackorderedLine

from orderflow_inventory.domain import LIVE, Key


async def insert(conn: asyncpg.Connection, lines: Sequence[tuple[str, BackorderedLine]]) -> None:
    """Open backorders: (order, line) each."""
    if not lines:
        return
    await conn.execute(
        "INSERT INTO backorders (order_id, shipment_id, sku, location_id, open)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])",
        [order_id for order_id, _ in lines],
        [line.shipment_id for _, line in lines],
        [line.sku for _, line in lines],
        [line.location_id for _, line in lines],
        [line.quantity for _, line in lines],
    )


async def close(conn: asyncpg.Connection, order_ids: Sequence[str]) -> None:
    await conn.execute(
        "UPDATE backorders SET open = 0 WHERE order_id = ANY($1::text[]) AND open > 0",
        list(order_ids),
    )


async def of_order(conn: asyncpg.Connection, order_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, shipment_id, sku, location_id, open, created_at FROM backorders"
        " WHERE order_id = $1 ORDER BY id",
        order_id,
    )
    return [dict(row) for row in rows]


async def open_at(conn: asyncpg.Connection, keys: Iterable[Key]) -> list[asyncpg.Record]:
    """Open backorders of live orders at these keys, oldest first, locked for filling."""
    ordered = sorted(set(keys))
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT b.id, b.order_id, b.shipment_id, b.sku, b.location_id, b.open, r.plan"
        " FROM backorders b JOIN reservations r USING (order_id)"
        " WHERE b.open > 0 AND r.status = ANY($3::text[])"
        " AND (b.sku, b.location_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
        " ORDER BY b.id FOR UPDATE OF b",
        [sku for sku, _ in ordered],
        [location for _, location in ordered],
        list(LIVE),
    )


async def fill(conn: asyncpg.Connection, backorder_id: int) -> None:
    """A backorder is filled whole (`reservations.reserve_follow_up` reserves its units)."""
    await conn.execute("UPDATE backorders SET open = 0 WHERE id = $1", backorder_id)
