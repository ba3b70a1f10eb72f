"""The counts inventory's KPIs are made of, from its own tables, over a trailing window of days."""

import asyncpg

from orderflow_inventory.replenishment import SLOW_MOVER_DAYS


async def figures(conn: asyncpg.Connection, window_days: int) -> dict[str, int]:
    """What `kpis.of` divides."""
    return {
        **await _books(conn, window_days),
        **await _stock_outs(conn, window_days),
        **await _skus_in_stock(conn),
    }


async def _books(conn: asyncpg.Connection, window_days: int) -> dict[str, int]:
    row = await conn.fetchrow(
        "SELECT"
        " (SELECT coalesce(sum(-on_hand_delta), 0) FROM movements"
        "   WHERE kind = 'commit' AND at > now() - make_interval(days => $1))::int AS shipped,"
        " (SELECT coalesce(sum(on_hand_delta), 0) FROM movements"
        "   WHERE at > now() - make_interval(days => $1))::int AS on_hand_change,"
        " (SELECT coalesce(sum(on_hand), 0) FROM stock)::int AS on_hand,"
        " (SELECT coalesce(sum(greatest(reserved - on_hand, 0)), 0) FROM stock)::int AS oversold,"
        " (SELECT count(*) FROM counts WHERE at > now() - make_interval(days => $1)) AS counts,"
        " (SELECT count(*) FROM counts WHERE counted = expected"
        "   AND at > now() - make_interval(days => $1)) AS exact_counts,"
        " (SELECT coalesce(sum(abs(counted - expected)), 0) FROM counts"
        "   WHERE at > now() - make_interval(days => $1))::int AS variance",
        window_days,
    )
    return dict(row)


async def _stock_outs(conn: asyncpg.Connection, window_days: int) -> dict[str, int]:
    row = await conn.fetchrow(
        "SELECT count(*) AS orders, count(*) FILTER (WHERE NOT got_stock) AS stocked_out FROM ("
        "  SELECT order_id, bool_or(outcome IN ('reserved', 'partial')) AS got_stock"
        "  FROM attempts WHERE at > now() - make_interval(days => $1) GROUP BY order_id) o",
        window_days,
    )
    return dict(row)


async def _skus_in_stock(conn: asyncpg.Connection) -> dict[str, int]:
    row = await conn.fetchrow(
        "SELECT count(*) AS skus_in_stock,"
        " count(*) FILTER (WHERE coalesce(last_day, created) <= current_date - $1::int) AS slow_skus"
        " FROM (SELECT s.sku, (SELECT max(day) FROM daily_sales d WHERE d.sku = s.sku) AS last_day,"
        "  (SELECT created_at::date FROM products p WHERE p.sku = s.sku) AS created"
        "  FROM stock s GROUP BY s.sku HAVING sum(s.on_hand) > 0) k",
        SLOW_MOVER_DAYS,
    )
    return dict(row)
