"""Raw payloads (webhook bodies, and topic payloads no adapter could read) and the audit trail."""

import json
from typing import Any

import asyncpg


async def insert_raw(
    conn: asyncpg.Connection | asyncpg.Pool,
    *,
    channel: str,
    body: bytes,
    headers: dict[str, str],
    status: str,
    error: str | None = None,
    external_id: str | None = None,
    source: str = "webhook",
    kind: str = "order",
) -> int:
    """source: webhook, or topic for a marketplace.orders payload no adapter could read; kind:
    an order, or a channel's update notification."""
    return int(
        await conn.fetchval(
            "INSERT INTO raw_payloads (channel, external_id, body, headers, status, error, source,"
            " kind) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8) RETURNING payload_id",
            channel,
            external_id,
            body,
            json.dumps(headers),
            status,
            error,
            source,
            kind,
        )
    )


async def lock_raw(conn: asyncpg.Connection, payload_id: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "SELECT * FROM raw_payloads WHERE payload_id = $1 FOR UPDATE", payload_id
    )


async def set_raw_outcome(
    conn: asyncpg.Connection,
    payload_id: int,
    *,
    status: str,
    error: str | None,
    external_id: str | None,
) -> None:
    await conn.execute(
        "UPDATE raw_payloads SET status = $2, error = $3, external_id = coalesce($4, external_id)"
        " WHERE payload_id = $1",
        payload_id,
        status,
        error,
        external_id,
    )


async def audit(
    conn: asyncpg.Connection, subject: str, action: str, actor: str, detail: dict[str, Any]
) -> None:
    await conn.execute(
        "INSERT INTO audit (subject, action, actor, detail) VALUES ($1, $2, $3, $4::jsonb)",
        subject,
        action,
        actor,
        json.dumps(detail, default=str),
    )


async def audit_of(pool: asyncpg.Pool, subject: str) -> list[asyncpg.Record]:
    return await pool.fetch(  # type: ignore[no-any-return]
        "SELECT action, actor, at, detail FROM audit WHERE subject = $1 ORDER BY audit_id", subject
    )


async def raw_payloads(
    pool: asyncpg.Pool, *, channel: str | None, status: str | None, limit: int, offset: int
) -> list[asyncpg.Record]:
    return await pool.fetch(  # type: ignore[no-any-return]
        "SELECT payload_id, channel, external_id, received_at, status, error, headers, body,"
        " source, kind"
        " FROM raw_payloads WHERE ($1::text IS NULL OR channel = $1)"
        " AND ($2::text IS NULL OR status = $2)"
        " ORDER BY payload_id DESC LIMIT $3 OFFSET $4",
        channel,
        status,
        limit,
        offset,
    )


async def raw_payload(pool: asyncpg.Pool, payload_id: int) -> asyncpg.Record | None:
    return await pool.fetchrow("SELECT * FROM raw_payloads WHERE payload_id = $1", payload_id)
