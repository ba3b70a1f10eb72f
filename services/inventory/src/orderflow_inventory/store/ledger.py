"""The append-only movement ledger (`movements`). Each movement states its effect on on-hand and
on reserved, so the balances can be rebuilt from it, and `reconcile` proves they agree."""

from collections.abc import Sequence
from typing import Any

import asyncpg

from orderflow_inventory.domain import Movement


async def record(conn: asyncpg.Connection, movements: Sequence[Movement]) -> None:
    if not movements:
        return
    await conn.execute(
        "INSERT INTO movements (sku, location_id, kind, reference, on_hand_delta, reserved_delta, reason)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::text[])",
        [m.sku for m in movements],
        [m.location_id for m in movements],
        [m.kind for m in movements],
        [m.reference for m in movements],
        [m.on_hand_delta for m in movements],
        [m.reserved_delta for m in movements],
        [m.reason for m in movements],
    )


async def record_document(conn: asyncpg.Connection, movement: Movement) -> bool:
    """Record a warehouse document's movement once; False if that document was applied before."""
    inserted = await conn.fetchval(
        "INSERT INTO movements (sku, location_id, kind, reference, on_hand_delta, reserved_delta, reason)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (kind, reference, sku, location_id) WHERE kind IN ('receipt', 'adjustment', 'count')"
        " DO NOTHING RETURNING true",
        movement.sku,
        movement.location_id,
        movement.kind,
        movement.reference,
        movement.on_hand_delta,
        movement.reserved_delta,
        movement.reason,
    )
    return bool(inserted)


_ENTRY = "id, sku, location_id, kind, reference, on_hand_delta, reserved_delta, reason, at"


async def of_sku(
    conn: asyncpg.Connection, sku: str, location_id: str | None, limit: int, before_id: int | None
) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {_ENTRY} FROM movements WHERE sku = $1 AND ($2::text IS NULL OR location_id = $2)"
        " AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4",
        sku,
        location_id,
        before_id,
        limit,
    )
    return [dict(row) for row in rows]


async def discrepancies(
    conn: asyncpg.Connection, sku: str | None, limit: int
) -> list[dict[str, Any]]:
    """Goods shipped beyond what the books had free (`domain.commit_movements`), newest first."""
    rows = await conn.fetch(
        f"SELECT {_ENTRY} FROM movements WHERE kind = 'discrepancy'"
        " AND ($1::text IS NULL OR sku = $1) ORDER BY id DESC LIMIT $2",
        sku,
        limit,
    )
    return [dict(row) for row in rows]


async def reconcile(conn: asyncpg.Connection) -> list[dict[str, Any]]:
    """Every (SKU, location) whose balances differ from the ledger's replay; empty when sound."""
    rows = await conn.fetch(
        "SELECT sku, location_id,"
        " coalesce(s.on_hand, 0) AS on_hand, coalesce(m.on_hand, 0) AS ledger_on_hand,"
        " coalesce(s.reserved, 0) AS reserved, coalesce(m.reserved, 0) AS ledger_reserved"
        " FROM stock s FULL JOIN ("
        "   SELECT sku, location_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved"
        "   FROM movements GROUP BY sku, location_id) m USING (sku, location_id)"
        " WHERE coalesce(s.on_hand, 0) <> coalesce(m.on_hand, 0)"
        "    OR coalesce(s.reserved, 0) <> coalesce(m.reserved, 0)"
        " ORDER BY sku, location_id"
    )
    return [dict(row) for row in rows]


async def adjusted_skus(conn: asyncpg.Connection, reference: str) -> dict[str, str]:
    """The SKUs an adjustment document already moved, at any location: SKU -> location."""
    rows = await conn.fetch(
        "SELECT sku, location_id FROM movements WHERE kind = 'adjustment' AND reference = $1",
        reference,
    )
    return {row["sku"]: row["location_id"] for row in rows}
