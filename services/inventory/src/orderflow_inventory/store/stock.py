"""Balances per SKU per location (`stock`), the SKU locks that order every change of them, and
the cycle counts (`counts`) taken against them.

Locking, the same everywhere so concurrent writers queue instead of deadlocking: a use case first
takes `lock_skus` for every SKU it will touch, in SKU order, and only then reservations and stock
rows. The SKU lock serialises all stock changes of a SKU across its locations, so the levels
snapshot published after a change always includes every other committed change of that SKU;
stock rows are then locked in (sku, location_id) order. Every balance change is written to the
ledger in the same transaction."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import asyncpg
from orderflow_contracts.inventory import LocationLevel

from orderflow_inventory.domain import Key


async def lock_skus(conn: asyncpg.Connection, skus: Sequence[str]) -> None:
    """Serialise stock changes per SKU until this transaction ends; taken in SKU order. A SKU's
    products row stands for it: it exists before any of its stock rows, so even the first receipt
    at a new location queues behind the SKU's other changes."""
    if not skus:
        return
    await conn.execute(
        "SELECT 1 FROM products WHERE sku = ANY($1::text[]) ORDER BY sku FOR NO KEY UPDATE",
        sorted(set(skus)),
    )


# The free units of some balances, their rows locked in (sku, location_id) order; $1 and $2
# are the keys' SKUs and locations (`_key_columns`).
_LOCK_FREE_STOCK = (
    "SELECT sku, location_id, on_hand - reserved AS free FROM stock"
    " WHERE (sku, location_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
    " ORDER BY sku, location_id FOR UPDATE"
)


async def lock_free_stock(conn: asyncpg.Connection, keys: Iterable[Key]) -> dict[Key, int]:
    rows = await conn.fetch(_LOCK_FREE_STOCK, *_key_columns(keys))
    return {(row["sku"], row["location_id"]): row["free"] for row in rows}


async def lock_skus_and_free_stock(conn: asyncpg.Connection, keys: Iterable[Key]) -> dict[Key, int]:
    """`lock_skus` of the keys' SKUs, then `lock_free_stock`, in one round trip: the branches
    of a UNION ALL run in order, so the SKU locks are taken before any stock row's. The first
    row only counts the SKUs locked."""
    rows = await conn.fetch(
        "SELECT NULL AS sku, NULL AS location_id, count(*)::int AS free FROM (SELECT 1"
        "  FROM products WHERE sku = ANY($1::text[]) ORDER BY sku FOR NO KEY UPDATE) skus"
        f" UNION ALL SELECT * FROM ({_LOCK_FREE_STOCK}) balances",
        *_key_columns(keys),
    )
    return {(row["sku"], row["location_id"]): row["free"] for row in rows[1:]}


def _key_columns(keys: Iterable[Key]) -> tuple[list[str], list[str]]:
    ordered = sorted(set(keys))
    return [sku for sku, _ in ordered], [location for _, location in ordered]


async def change_stock(
    conn: asyncpg.Connection, on_hand: Mapping[Key, int], reserved: Mapping[Key, int]
) -> None:
    """Add the deltas to existing balances. The caller holds the SKUs' locks (`lock_skus`), so
    the rows this updates are not contended."""
    keys = sorted(set(on_hand) | set(reserved))
    if not keys:
        return
    await conn.execute(
        "UPDATE stock SET on_hand = stock.on_hand + d.on_hand,"
        " reserved = stock.reserved + d.reserved, updated_at = now()"
        " FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS d(sku, location_id, on_hand, reserved)"
        " WHERE stock.sku = d.sku AND stock.location_id = d.location_id",
        [sku for sku, _ in keys],
        [location for _, location in keys],
        [on_hand.get(key, 0) for key in keys],
        [reserved.get(key, 0) for key in keys],
    )


async def lock_stock_row(conn: asyncpg.Connection, key: Key) -> tuple[int, int]:
    """Lock (creating it empty if need be) one balance; returns (on hand, reserved)."""
    await conn.execute(
        "INSERT INTO stock (sku, location_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", *key
    )
    row = await conn.fetchrow(
        "SELECT on_hand, reserved FROM stock WHERE sku = $1 AND location_id = $2 FOR UPDATE", *key
    )
    return row["on_hand"], row["reserved"]


async def levels(conn: asyncpg.Connection, skus: Sequence[str]) -> dict[str, list[LocationLevel]]:
    """Balances per location; consistent across a SKU's locations only under `lock_skus`."""
    rows = await conn.fetch(
        "SELECT sku, location_id, on_hand, reserved FROM stock WHERE sku = ANY($1::text[])"
        " ORDER BY sku, location_id",
        list(skus),
    )
    result: dict[str, list[LocationLevel]] = {}
    for row in rows:
        result.setdefault(row["sku"], []).append(
            LocationLevel(
                location_id=row["location_id"],
                on_hand=row["on_hand"],
                reserved=row["reserved"],
                available=row["on_hand"] - row["reserved"],
            )
        )
    return result


async def at_location(conn: asyncpg.Connection, location_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT sku, on_hand, reserved, on_hand - reserved AS available FROM stock"
        " WHERE location_id = $1 ORDER BY sku",
        location_id,
    )
    return [dict(row) for row in rows]


async def skus(conn: asyncpg.Connection, location_id: str | None = None) -> list[str]:
    """SKUs with a balance (at one location, or anywhere)."""
    rows = await conn.fetch(
        "SELECT DISTINCT sku FROM stock WHERE $1::text IS NULL OR location_id = $1", location_id
    )
    return [row["sku"] for row in rows]


async def record_count(
    conn: asyncpg.Connection, key: Key, expected: int, counted: int, reference: str
) -> None:
    await conn.execute(
        "INSERT INTO counts (sku, location_id, expected, counted, reference)"
        " VALUES ($1, $2, $3, $4, $5)",
        *key,
        expected,
        counted,
        reference,
    )
