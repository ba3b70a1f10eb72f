"""The counts intake's KPIs are made of, over a period, through the pool."""

from datetime import datetime
from typing import Any, TypeAlias

import asyncpg

# A pool or one connection: the API asks with the pool, /metrics with the connection it is given.
Queries: TypeAlias = asyncpg.Pool | asyncpg.Connection


async def kpi_figures(pool: Queries, since: datetime, until: datetime) -> dict[str, Any]:
    """Orders per channel per hour, how many were ever held (overall and by reason), the waits
    of the holds resolved in the period, and the holds open now."""
    total = await pool.fetchval(
        "SELECT count(*) FROM orders WHERE received_at >= $1 AND received_at < $2", since, until
    )
    open_now = await pool.fetchval("SELECT count(*) FROM holds WHERE resolved_at IS NULL")
    return {
        "per_hour": await _per_channel_and_hour(pool, since, until),
        "total": int(total),
        **await _held(pool, since, until),
        "waits": await _waits(pool, since, until),
        "open_holds": int(open_now),
    }


async def _per_channel_and_hour(
    pool: Queries, since: datetime, until: datetime
) -> list[asyncpg.Record]:
    return await pool.fetch(  # type: ignore[no-any-return]
        "SELECT channel, date_trunc('hour', received_at) AS hour, count(*) AS orders"
        " FROM orders WHERE received_at >= $1 AND received_at < $2"
        " GROUP BY channel, hour ORDER BY hour, channel",
        since,
        until,
    )


async def _held(pool: Queries, since: datetime, until: datetime) -> dict[str, Any]:
    """Of the period's orders: those ever held, by reason and in all."""
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
    return {"by_reason": by_reason, "ever_held": int(ever_held)}


async def _waits(pool: Queries, since: datetime, until: datetime) -> asyncpg.Record:
    return await pool.fetchrow(
        "SELECT count(*) AS resolved,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - held_at)) AS median_s,"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - held_at)) AS p90_s"
        " FROM holds WHERE resolved_at >= $1 AND resolved_at < $2",
        since,
        until,
    )
