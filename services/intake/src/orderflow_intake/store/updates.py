"""Marketplace updates parked until their order arrives."""

import json
from typing import Any

import asyncpg


async def park(
    conn: asyncpg.Connection, kind: str, channel: str, external_id: str, payload: dict[str, Any]
) -> None:
    await conn.execute(
        "INSERT INTO parked_updates (channel, external_id, kind, payload) VALUES ($1, $2, $3, $4::jsonb)",
        channel,
        external_id,
        kind,
        json.dumps(payload),
    )


async def parked_for(
    conn: asyncpg.Connection, channel: str, external_id: str
) -> list[asyncpg.Record]:
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT update_id, kind, payload FROM parked_updates"
        " WHERE channel = $1 AND external_id = $2 ORDER BY update_id FOR UPDATE",
        channel,
        external_id,
    )


async def drop_parked(conn: asyncpg.Connection, update_ids: list[int]) -> None:
    await conn.execute("DELETE FROM parked_updates WHERE update_id = ANY($1::bigint[])", update_ids)
