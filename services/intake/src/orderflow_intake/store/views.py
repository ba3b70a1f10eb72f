"""The read side of the order view and the exception queue, through the pool."""

from typing import Any

import asyncpg


def _where(conditions: list[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""


async def orders_page(
    pool: asyncpg.Pool, filters: dict[str, Any], limit: int, offset: int
) -> tuple[list[asyncpg.Record], int]:
    columns = {
        "order_id": "o.order_id = ${}",
        "correlation_id": "o.correlation_id = ${}",
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


async def order_view(pool: asyncpg.Pool, order_id: str) -> asyncpg.Record | None:
    return await pool.fetchrow(
        f"SELECT o.*, {_OPEN_CODES} FROM orders o WHERE o.order_id = $1", order_id
    )


# A change after the pick task sent to the warehouse, and fulfillment's answers, kept in the
# order's audit trail.
AFTER_PICK_TASK = (
    "cancel_sent",
    "address_change_sent",
    "shipment_stopped",
    "return_started",
    "address_relabelled",
    "address_change_too_late",
    "cancel_superseded",
    "address_change_superseded",
)


async def after_pick_task_of(pool: asyncpg.Pool, order_id: str) -> list[asyncpg.Record]:
    return list(
        await pool.fetch(
            "SELECT action, at, detail FROM audit WHERE subject = $1 AND actor = 'fulfillment'"
            " AND action = ANY($2::text[]) ORDER BY audit_id",
            f"order:{order_id}",
            list(AFTER_PICK_TASK),
        )
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
