"""What operators did through inventory's API (`operator_audit`): who, when, which action, on
which SKU, location or channel, with the change itself in `detail`."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg


@dataclass(frozen=True)
class Subject:
    """What an action touched; any of them may be None (a replay of every held event)."""

    sku: str | None = None
    location_id: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class Filter:
    sku: str | None = None
    location_id: str | None = None
    channel: str | None = None
    actor: str | None = None
    action: str | None = None
    before_id: int | None = None
    limit: int = 100


async def record(
    conn: asyncpg.Connection,
    actor: str,
    action: str,
    subjects: Sequence[tuple[Subject, dict[str, Any]]],
) -> None:
    """One row per subject, in the caller's transaction: the audit commits with the change."""
    await conn.executemany(
        "INSERT INTO operator_audit (actor, action, sku, location_id, channel, detail)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb)",
        [
            (actor, action, s.sku, s.location_id, s.channel, json.dumps(detail))
            for s, detail in subjects
        ],
    )


async def entries(conn: asyncpg.Connection, wanted: Filter) -> list[dict[str, Any]]:
    """Newest first; each filter left None matches everything."""
    rows = await conn.fetch(
        "SELECT audit_id, actor, action, sku, location_id, channel, at, detail"
        " FROM operator_audit"
        " WHERE ($1::text IS NULL OR sku = $1) AND ($2::text IS NULL OR location_id = $2)"
        " AND ($3::text IS NULL OR channel = $3) AND ($4::text IS NULL OR actor = $4)"
        " AND ($5::text IS NULL OR action = $5) AND ($6::bigint IS NULL OR audit_id < $6)"
        " ORDER BY audit_id DESC LIMIT $7",
        wanted.sku,
        wanted.location_id,
        wanted.channel,
        wanted.actor,
        wanted.action,
        wanted.before_id,
        wanted.limit,
    )
    return [{**dict(row), "detail": json.loads(row["detail"])} for row in rows]
