"""What operators read: notifications with their log, counts and KPIs."""

import asyncpg


async def notifications(
    conn: asyncpg.Connection,
    *,
    order_id: str | None = None,
    status: str | None = None,
    limit: int = 500,
) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT id, order_id, shipment_id, kind, status, channel, recipient, language, attempts,"
            " correlation_id, created_at, sent_at FROM notifications"
            " WHERE ($1::text IS NULL OR order_id = $1) AND ($2::text IS NULL OR status = $2)"
            " ORDER BY id DESC LIMIT $3",
            order_id,
            status,
            limit,
        )
    )


async def delivery_logs(
    conn: asyncpg.Connection, notification_ids: list[int]
) -> dict[int, list[asyncpg.Record]]:
    rows = await conn.fetch(
        "SELECT notification_id, attempt, outcome, detail, at FROM delivery_log"
        " WHERE notification_id = ANY($1::bigint[]) ORDER BY attempt",
        notification_ids,
    )
    logs: dict[int, list[asyncpg.Record]] = {}
    for row in rows:
        logs.setdefault(row["notification_id"], []).append(row)
    return logs


async def summary(conn: asyncpg.Connection) -> tuple[dict[str, int], dict[str, int]]:
    """Counts by status, and the notifications given up on (failed, unconfirmed, unreachable) by
    the error class of their last attempt (`NoAddress(...)` counts as NoAddress)."""
    by_status = await conn.fetch("SELECT status, count(*) AS n FROM notifications GROUP BY status")
    by_reason = await conn.fetch(
        "SELECT CASE WHEN n.status = 'unconfirmed' THEN 'unconfirmed'"
        "  ELSE coalesce(nullif(split_part(last.detail, '(', 1), ''), 'unknown') END AS reason,"
        " count(*) AS n FROM notifications n"
        " LEFT JOIN LATERAL (SELECT detail FROM delivery_log d WHERE d.notification_id = n.id"
        "  ORDER BY attempt DESC LIMIT 1) last ON true"
        " WHERE n.status IN ('failed', 'unconfirmed', 'unreachable') GROUP BY 1"
    )
    return (
        {row["status"]: row["n"] for row in by_status},
        {row["reason"]: row["n"] for row in by_reason},
    )


async def kpi_figures(conn: asyncpg.Connection, hours: float) -> asyncpg.Record:
    """Notifications queued in the last `hours`: by outcome, and the time from queued to told."""
    return await conn.fetchrow(
        "SELECT count(*) AS queued,"
        " count(*) FILTER (WHERE status = 'sent') AS sent,"
        " count(*) FILTER (WHERE status = 'unreachable') AS unreachable,"
        " count(*) FILTER (WHERE status IN ('failed', 'unconfirmed')) AS failed,"
        " count(*) FILTER (WHERE status = 'suppressed') AS suppressed,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at))"
        "  AS told_p50_s,"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at))"
        "  AS told_p90_s"
        " FROM notifications WHERE created_at > now() - make_interval(secs => $1::float8 * 3600)",
        hours,
    )
