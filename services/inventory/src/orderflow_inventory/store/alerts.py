"""Replenishment alerts (`alerts`), and which side of its reorder point each SKU was last seen on
and whether it is flagged a slow mover (`alert_state`), so an alert is raised once per crossing,
not once per order."""

import json
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg

from orderflow_inventory.replenishment import SLOW_MOVER_DAYS


async def reorder_crossings(conn: asyncpg.Connection, below: Mapping[str, bool]) -> set[str]:
    """Record which side of its reorder point each SKU is on; returns those that just fell to
    or below it (a SKU already below, or back above, raises nothing)."""
    skus = sorted(below)
    rows = await conn.fetch(
        "INSERT INTO alert_state AS a (sku, below_reorder)"
        " SELECT * FROM unnest($1::text[], $2::boolean[])"
        " ON CONFLICT (sku) DO UPDATE SET below_reorder = EXCLUDED.below_reorder"
        " WHERE a.below_reorder IS DISTINCT FROM EXCLUDED.below_reorder"
        " RETURNING sku, below_reorder",
        skus,
        [below[sku] for sku in skus],
    )
    return {row["sku"] for row in rows if row["below_reorder"]}


async def save(conn: asyncpg.Connection, sku: str, kind: str, detail: str) -> None:
    await conn.execute(
        "INSERT INTO alerts (sku, kind, detail) VALUES ($1, $2, $3::jsonb)", sku, kind, detail
    )


async def new_slow_movers(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """SKUs in stock with no sale for SLOW_MOVER_DAYS (counted from when they were added if they
    never sold) and not flagged yet; flags them."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "WITH stale AS ("
        "  SELECT p.sku, st.on_hand, current_date - coalesce(ls.last_day, p.created_at::date) AS idle_days"
        "  FROM products p"
        "  JOIN (SELECT sku, sum(on_hand)::int AS on_hand FROM stock GROUP BY sku) st USING (sku)"
        "  LEFT JOIN (SELECT sku, max(day) AS last_day FROM daily_sales GROUP BY sku) ls USING (sku)"
        "  WHERE st.on_hand > 0 AND current_date - coalesce(ls.last_day, p.created_at::date) >= $1),"
        " flagged AS ("
        "  INSERT INTO alert_state AS a (sku, slow_mover) SELECT sku, true FROM stale"
        "  ON CONFLICT (sku) DO UPDATE SET slow_mover = true WHERE NOT a.slow_mover RETURNING sku)"
        " SELECT stale.* FROM stale JOIN flagged USING (sku) ORDER BY sku",
        SLOW_MOVER_DAYS,
    )


async def clear_slow_movers(conn: asyncpg.Connection, skus: Sequence[str]) -> None:
    await conn.execute(
        "UPDATE alert_state SET slow_mover = false WHERE slow_mover AND sku = ANY($1::text[])",
        list(skus),
    )


async def listed(
    conn: asyncpg.Connection, sku: str | None, kind: str | None, limit: int
) -> list[dict[str, Any]]:
    """Alerts, newest first, of one SKU and kind or of all."""
    rows = await conn.fetch(
        "SELECT id, sku, kind, detail, raised_at FROM alerts"
        " WHERE ($1::text IS NULL OR sku = $1) AND ($2::text IS NULL OR kind = $2)"
        " ORDER BY id DESC LIMIT $3",
        sku,
        kind,
        limit,
    )
    return [{**dict(row), "detail": json.loads(row["detail"])} for row in rows]
