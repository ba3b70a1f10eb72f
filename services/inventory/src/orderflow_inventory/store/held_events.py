"""Warehouse stock events that could not be applied yet (`held_stock_events`): an unknown SKU or
location, or fewer units than are promised. Kept with the reason, replayed once the cause is
fixed."""

import json
from collections.abc import Sequence
from typing import Any

import asyncpg


async def hold(
    conn: asyncpg.Connection, event_type: str, payload: dict[str, Any], event_id: Any, reason: str
) -> None:
    await conn.execute(
        "INSERT INTO held_stock_events (event_type, sku, location_id, payload, event_id, reason)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        event_type,
        payload["sku"],
        payload["location_id"],
        json.dumps(payload),
        event_id,
        reason,
    )


async def listed(conn: asyncpg.Connection, open_only: bool = True) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT id, event_type, sku, location_id, payload, event_id, reason, held_at, replayed_at"
        " FROM held_stock_events WHERE NOT $1 OR replayed_at IS NULL ORDER BY id",
        open_only,
    )
    return [{**dict(row), "payload": json.loads(row["payload"])} for row in rows]


async def not_waiting(conn: asyncpg.Connection, ids: Sequence[int]) -> list[int]:
    """Of these held event ids, those that are not waiting: unknown, or replayed already."""
    waiting = await conn.fetch(
        "SELECT id FROM held_stock_events WHERE id = ANY($1::bigint[]) AND replayed_at IS NULL",
        list(ids),
    )
    return sorted(set(ids) - {row["id"] for row in waiting})


async def take_replayable(
    conn: asyncpg.Connection, ids: Sequence[int] | None = None
) -> list[asyncpg.Record]:
    """Held events to apply again, oldest first, marked replayed: those named by `ids`, or else
    every one whose SKU and location are known now."""
    rows = await conn.fetch(
        "UPDATE held_stock_events SET replayed_at = now() WHERE id IN ("
        "  SELECT id FROM held_stock_events WHERE replayed_at IS NULL"
        "  AND ($1::bigint[] IS NOT NULL AND id = ANY($1::bigint[])"
        "    OR $1::bigint[] IS NULL AND sku IN (SELECT sku FROM products)"
        "    AND location_id IN (SELECT location_id FROM locations))"
        "  FOR UPDATE SKIP LOCKED)"
        " RETURNING id, event_type, sku, location_id, payload, event_id",
        list(ids) if ids is not None else None,
    )
    return sorted(rows, key=lambda row: row["id"])
