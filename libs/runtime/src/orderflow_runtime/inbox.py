"""Consumers record each event id in the same transaction as its effect: redelivery is a no-op."""

from datetime import timedelta

import asyncpg


async def claim(conn: asyncpg.Connection, event_id: object) -> bool:
    """True the first time this event is seen; the primary key settles races, not a read."""
    status = await conn.execute(
        "INSERT INTO inbox (event_id) VALUES ($1) ON CONFLICT DO NOTHING", event_id
    )
    return bool(status == "INSERT 0 1")


async def purge(pool: asyncpg.Pool, retention: timedelta) -> int:
    status = await pool.execute(
        "DELETE FROM inbox WHERE received_at < now() - $1::interval", retention
    )
    return int(status.split()[-1])
