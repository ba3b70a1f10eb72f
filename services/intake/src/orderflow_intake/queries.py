"""intake's read side: the unified order view, the exception queue, raw payloads, KPIs."""

from datetime import datetime
from typing import Any

import asyncpg


def _where(conditions: list[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""


async def orders_page(
    pool: asyncpg.Pool, filters: dict[str, Any], limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    columns = {
        "order_id": "o.order_id = ${}",
        "channel": "o.channel = ${}",
        "external_id": "o.external_id = ${}",
        "customer_email": "o.customer_email = lower(${})",
        "status": "o.status = ${}",
        "received_from": "o.received_at >= ${}",
        "received_to": "o.received_at < ${}",
    }
    conditions, args = [], []
    for name, template in columns.items():
        if filters.get(name) is not None:
            args.append(filters[name])
            conditions.append(template.format(len(args)))
    where = _where(conditions)
    total = await pool.fetchval(f"SELECT count(*) FROM orders o{where}", *args)
    rows = await pool.fetch(
        f"SELECT o.*, {_OPEN_CODES} FROM orders o{where}"
        f" ORDER BY o.received_at DESC, o.order_id LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
        *args,
        limit,
        offset,
    )
    return rows, int(total)


_OPEN_CODES = (
    "ARRAY(SELECT code FROM holds h WHERE h.order_id = o.order_id AND h.resolved_at IS NULL"
    " ORDER BY code) AS open_codes"
)


async def order(pool: asyncpg.Pool, order_id: str) -> asyncpg.Record | None:
    return await pool.fetchrow(
        f"SELECT o.*, {_OPEN_CODES} FROM orders o WHERE o.order_id = $1", order_id
    )


async def holds_of(pool: asyncpg.Pool, order_ids: list[str]) -> dict[str, list[asyncpg.Record]]:
    rows = await pool.fetch(
        "SELECT * FROM holds WHERE order_id = ANY($1::text[]) ORDER BY held_at, code", order_ids
    )
    found: dict[str, list[asyncpg.Record]] = {}
    for row in rows:
        found.setdefault(row["order_id"], []).append(row)
    return found


async def exceptions_page(
    pool: asyncpg.Pool,
    *,
    reason: str | None,
    channel: str | None,
    min_age_s: float | None,
    max_age_s: float | None,
    limit: int,
    offset: int,
) -> tuple[list[asyncpg.Record], int]:
    """Held orders, oldest wait first; age is the time since the oldest open hold."""
    base = (
        "SELECT o.order_id, o.channel, o.external_id, o.status, o.customer_email,"
        " min(h.held_at) AS held_since,"
        " extract(epoch FROM now() - min(h.held_at))::float8 AS age_s"
        " FROM orders o JOIN holds h ON h.order_id = o.order_id AND h.resolved_at IS NULL"
        " WHERE o.status = 'held' AND ($1::text IS NULL OR o.channel = $1)"
        " AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM holds r WHERE r.order_id = o.order_id"
        " AND r.code = $2 AND r.resolved_at IS NULL))"
        " GROUP BY o.order_id"
        " HAVING ($3::float8 IS NULL OR extract(epoch FROM now() - min(h.held_at)) >= $3)"
        " AND ($4::float8 IS NULL OR extract(epoch FROM now() - min(h.held_at)) <= $4)"
    )
    args = (channel, reason, min_age_s, max_age_s)
    total = await pool.fetchval(f"SELECT count(*) FROM ({base}) q", *args)
    rows = await pool.fetch(
        f"{base} ORDER BY held_since, o.order_id LIMIT $5 OFFSET $6", *args, limit, offset
    )
    return rows, int(total)


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


async def kpis(pool: asyncpg.Pool, since: datetime, until: datetime) -> dict[str, Any]:
    per_hour = await pool.fetch(
        "SELECT channel, date_trunc('hour', received_at) AS hour, count(*) AS orders"
        " FROM orders WHERE received_at >= $1 AND received_at < $2"
        " GROUP BY channel, hour ORDER BY hour, channel",
        since,
        until,
    )
    total = await pool.fetchval(
        "SELECT count(*) FROM orders WHERE received_at >= $1 AND received_at < $2", since, until
    )
    by_reason = await pool.fetch(
        "SELECT h.code, count(DISTINCT h.order_id) AS orders FROM holds h"
        " JOIN orders o USING (order_id) WHERE o.received_at >= $1 AND o.received_at < $2"
        " GROUP BY h.code ORDER BY h.code",
        since,
        until,
    )
    ever_held = await pool.fetchval(
        "SELECT count(DISTINCT h.order_id) FROM holds h JOIN orders o USING (order_id)"
        " WHERE o.received_at >= $1 AND o.received_at < $2",
        since,
        until,
    )
    waits = await pool.fetchrow(
        "SELECT count(*) AS resolved,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - held_at)) AS median_s,"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - held_at)) AS p90_s"
        " FROM holds WHERE resolved_at >= $1 AND resolved_at < $2",
        since,
        until,
    )
    open_now = await pool.fetchval("SELECT count(*) FROM holds WHERE resolved_at IS NULL")
    return {
        "per_hour": per_hour,
        "total": int(total),
        "by_reason": by_reason,
        "ever_held": int(ever_held),
        "waits": waits,
        "open_holds": int(open_now),
    }
