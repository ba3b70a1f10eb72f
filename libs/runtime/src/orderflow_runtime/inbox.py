"""Consumers record each event id in the same transaction as its effect: redelivery is a no-op."""

import uuid
from datetime import timedelta

import asyncpg


async def claim_all(conn: asyncpg.Connection, event_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The ids seen for the first time, claimed in one round trip for a whole batch."""
    rows = await conn.fetch(
        "INSERT INTO inbox (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING RETURNING event_id",
        event_ids,
    )
    return {row["event_id"] for row in rows}


def claim_unseen_statement(event_ids: list[uuid.UUID]) -> str:
    """The claim of ids believed unseen, as SQL text to travel with BEGIN: a plain insert, so
    an id seen before (or twice in the batch) fails it with a unique violation and the caller
    claims the batch with `claim_all` instead. Redeliveries are rare; the round trip this saves
    is paid by every batch."""
    values = ",".join(f"('{event_id.hex}')" for event_id in event_ids)  # hex digits only
    return f"INSERT INTO inbox (event_id) VALUES {values}"


async def purge(pool: asyncpg.Pool, retention: timedelta) -> int:
    status = await pool.execute(
        "DELETE FROM inbox WHERE received_at < now() - $1::interval", retention
    )
    return int(status.split()[-1])
