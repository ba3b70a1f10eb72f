"""Reservations (`reservations`, `reservation_lines`, `attempts`): what a poll of plans decided,
written with one statement per table; then a reservation's life: confirmed by fulfillment's news,
committed when its goods ship, released on cancellation, expired when nothing confirmed it in
time.

Every function that changes stock takes the SKUs' locks (`stock.lock_skus`) before it locks a
reservation, so it queues behind, never deadlocks with, reservations, receipts and fills."""

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import asyncpg

from orderflow_inventory.domain import (
    LIVE,
    Decision,
    Key,
    Movement,
    ShippedLine,
    balance_changes,
    commit_movements,
)
from orderflow_inventory.store import backorders, ledger, stock

Line = tuple[str, str, str, str, int]  # order, shipment, sku, location, units


async def orders_with_reservation(conn: asyncpg.Connection, order_ids: Sequence[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT order_id FROM reservations WHERE order_id = ANY($1::text[])", list(order_ids)
    )
    return {row["order_id"] for row in rows}


# What a batch of plans decided, one statement for the six tables it writes: the attempts
# (every decision), the reservations holding stock, their lines, the backorders, the balances
# and the ledger. Sibling statements of one WITH run on one snapshot and touch different tables;
# the lines' foreign key to their reservation is checked at the statement's end. (Six round
# trips before: see bench/README.md for what one statement bought.)
_SAVE_DECISIONS = (
    "WITH attempt AS (INSERT INTO attempts (order_id, attempt, outcome)"
    "  SELECT * FROM unnest($1::text[], $2::int[], $3::text[]) ON CONFLICT DO NOTHING),"
    " reservation AS (INSERT INTO reservations (order_id, attempt, status, channel, plan, reserved_at)"
    "  SELECT o, a, s, c, p, CASE WHEN s = 'reserved' THEN now() END"
    "  FROM unnest($4::text[], $5::int[], $6::text[], $7::text[], $8::jsonb[]) AS d(o, a, s, c, p)),"
    " line AS (INSERT INTO reservation_lines (order_id, shipment_id, sku, location_id, quantity)"
    "  SELECT * FROM unnest($9::text[], $10::text[], $11::text[], $12::text[], $13::int[])),"
    " backorder AS (INSERT INTO backorders (order_id, shipment_id, sku, location_id, open)"
    "  SELECT * FROM unnest($14::text[], $15::text[], $16::text[], $17::text[], $18::int[])),"
    " balance AS (UPDATE stock SET reserved = stock.reserved + d.units, updated_at = now()"
    "  FROM unnest($19::text[], $20::text[], $21::int[]) AS d(sku, location_id, units)"
    "  WHERE stock.sku = d.sku AND stock.location_id = d.location_id)"
    " INSERT INTO movements (sku, location_id, kind, reference, reserved_delta)"
    "  SELECT s, l, 'reservation', r, u FROM unnest($22::text[], $23::text[], $24::text[], $25::int[])"
    "  AS m(s, l, r, u)"
)


async def save_decisions(conn: asyncpg.Connection, decisions: Sequence[Decision]) -> None:
    """Write what a batch of plans decided, in one statement (`_SAVE_DECISIONS`). The caller
    holds the stock rows' locks (`stock.lock_skus_and_free_stock`)."""
    holding = [d for d in decisions if d.outcome in ("reserved", "partial", "backordered")]
    lines = [
        (d.plan.order_id, shipment.shipment_id, line.sku, shipment.location_id, line.quantity)
        for d in holding
        if d.reserved is not None
        for shipment in d.reserved.shipments
        for line in shipment.lines
    ]
    backordered = [
        (d.plan.order_id, line.shipment_id, line.sku, line.location_id, line.quantity)
        for d in holding
        for line in d.backordered
    ]
    reserved: Counter[Key] = Counter()
    for d in holding:
        reserved.update(d.taken)
    balances = sorted(reserved.items())
    movements = [
        (sku, location, d.plan.order_id, units)
        for d in holding
        for (sku, location), units in sorted(d.taken.items())
    ]
    await conn.execute(
        _SAVE_DECISIONS,
        [d.plan.order_id for d in decisions],
        [d.plan.attempt for d in decisions],
        [d.outcome for d in decisions],
        [d.plan.order_id for d in holding],
        [d.plan.attempt for d in holding],
        ["backordered" if d.outcome == "backordered" else "reserved" for d in holding],
        [d.plan.channel for d in holding],
        [d.plan.model_dump_json() for d in holding],
        *_columns(lines, 5),
        *_columns(backordered, 5),
        [sku for (sku, _), _ in balances],
        [location for (_, location), _ in balances],
        [units for _, units in balances],
        *_columns(movements, 4),
    )


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """`rows` as `width` column lists, for unnest (empty lists when there are no rows)."""
    return [[row[i] for row in rows] for i in range(width)]


async def insert_lines(conn: asyncpg.Connection, lines: Sequence[Line]) -> None:
    if not lines:
        return
    columns = list(zip(*lines, strict=True))
    await conn.execute(
        "INSERT INTO reservation_lines (order_id, shipment_id, sku, location_id, quantity)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])",
        *[list(column) for column in columns],
    )


async def of_order(conn: asyncpg.Connection, order_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM reservations WHERE order_id = $1", order_id)


async def lines_of(conn: asyncpg.Connection, order_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        "SELECT shipment_id, sku, location_id, quantity, committed, released"
        " FROM reservation_lines WHERE order_id = $1 ORDER BY shipment_id, sku",
        order_id,
    )
    return [dict(row) for row in rows]


async def confirm(conn: asyncpg.Connection, order_ids: Sequence[str]) -> None:
    """Fulfillment acted on these reservations: they no longer expire."""
    await conn.execute(
        "UPDATE reservations SET status = 'confirmed', updated_at = now()"
        " WHERE order_id = ANY($1::text[]) AND status = 'reserved'",
        list(order_ids),
    )


async def skus_of_shipments(conn: asyncpg.Connection, shipment_ids: Sequence[str]) -> list[str]:
    if not shipment_ids:
        return []
    rows = await conn.fetch(
        "SELECT DISTINCT sku FROM reservation_lines"
        " WHERE shipment_id = ANY($1::text[]) AND NOT committed",
        list(shipment_ids),
    )
    return [row["sku"] for row in rows]


async def commit_shipments(
    conn: asyncpg.Connection, shipment_ids: Sequence[str]
) -> tuple[dict[str, Counter[str]], list[Movement]]:
    """Shipped goods leave on hand and the reservation, for all these shipments in one statement
    per table; returns the units per SKU each shipment shipped (for those with lines to commit)
    and the discrepancies: goods that shipped beyond what the books had free
    (`domain.commit_movements`)."""
    if not shipment_ids:
        return {}, []
    rows = await conn.fetch(
        "UPDATE reservation_lines SET committed = true"
        " WHERE shipment_id = ANY($1::text[]) AND NOT committed"
        " RETURNING order_id, shipment_id, sku, location_id, quantity, released",
        list(shipment_ids),
    )
    lines = [ShippedLine(**dict(row)) for row in rows]
    if not lines:
        return {}, []
    free = await stock.lock_free_stock(conn, [(line.sku, line.location_id) for line in lines])
    movements = commit_movements(lines, free)
    await stock.change_stock(conn, *balance_changes(movements))
    await ledger.record(conn, movements)
    await conn.execute(
        "UPDATE reservations r SET status = 'committed', updated_at = now()"
        " WHERE order_id = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM reservation_lines l"
        " WHERE l.order_id = r.order_id AND NOT l.committed AND NOT l.released)",
        sorted({line.order_id for line in lines}),
    )
    shipped: dict[str, Counter[str]] = {}
    for line in lines:
        shipped.setdefault(line.shipment_id, Counter())[line.sku] += line.quantity
    return shipped, [m for m in movements if m.kind == "discrepancy"]


async def skus_expired(conn: asyncpg.Connection, shipment_ids: Sequence[str]) -> list[str]:
    """SKUs of these shipments' lines that their reservation's expiry gave back."""
    if not shipment_ids:
        return []
    rows = await conn.fetch(
        "SELECT DISTINCT sku FROM reservation_lines"
        " WHERE shipment_id = ANY($1::text[]) AND expired AND NOT committed",
        list(shipment_ids),
    )
    return [row["sku"] for row in rows]


async def hold_again(
    conn: asyncpg.Connection, shipment_ids: Sequence[str]
) -> tuple[list[Line], list[Line]]:
    """The warehouse works on these shipments: their lines an expiry gave back are reserved
    again where the stock is still free, and their orders' reservations confirmed (they hold
    until shipped or cancelled). Returns the lines held again and those short of free stock (they stay given back; if they ship, the commit records the discrepancy). The
    caller holds the SKUs' locks."""
    rows = await conn.fetch(
        "SELECT order_id, shipment_id, sku, location_id, quantity FROM reservation_lines"
        " WHERE shipment_id = ANY($1::text[]) AND expired AND NOT committed"
        " ORDER BY shipment_id, sku",
        list(shipment_ids),
    )
    free = await stock.lock_free_stock(conn, [(row["sku"], row["location_id"]) for row in rows])
    held: Counter[Key] = Counter()
    again: list[Line] = []
    short: list[Line] = []
    for row in rows:
        key = (row["sku"], row["location_id"])
        line: Line = (row["order_id"], row["shipment_id"], *key, row["quantity"])
        if free.get(key, 0) - held[key] >= row["quantity"]:
            held[key] += row["quantity"]
            again.append(line)
        else:
            short.append(line)
    if not again:
        return again, short
    await conn.execute(
        "UPDATE reservation_lines SET released = false, expired = false"
        " WHERE (shipment_id, sku) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
        [shipment for _, shipment, _, _, _ in again],
        [sku for _, _, sku, _, _ in again],
    )
    await stock.change_stock(conn, {}, held)
    await ledger.record(
        conn,
        [
            Movement(sku, location, "reservation", order, reserved_delta=units,
                     reason=f"held again after its expiry: the warehouse works on {shipment}")
            for order, shipment, sku, location, units in again
        ],
    )  # fmt: skip
    await conn.execute(
        "UPDATE reservations SET status = 'confirmed', updated_at = now()"
        " WHERE order_id = ANY($1::text[]) AND status = 'expired'",
        sorted({order for order, _, _, _, _ in again}),
    )
    return again, short


async def release(conn: asyncpg.Connection, order_id: str) -> list[Key]:
    """Give back what an order holds and is not shipped yet, and close its backorders; returns
    the keys freed. An order released before any plan is remembered, so a late plan for it
    reserves nothing."""
    await stock.lock_skus(conn, await _skus_held_by(conn, [order_id]))
    status = await conn.fetchval(
        "SELECT status FROM reservations WHERE order_id = $1 FOR UPDATE", order_id
    )
    if status is None:
        await conn.execute(
            "INSERT INTO reservations (order_id, attempt, status) VALUES ($1, 0, 'released')",
            order_id,
        )
        return []
    if status not in LIVE:
        # Cancelled after it expired: nothing of it is to be held again if its news comes.
        await conn.execute(
            "UPDATE reservation_lines SET expired = false WHERE order_id = $1 AND expired",
            order_id,
        )
        return []
    return await _give_back(conn, [order_id], "release")


async def expire_unconfirmed(
    conn: asyncpg.Connection, older_than: timedelta, limit: int = 500
) -> tuple[list[tuple[str, int]], list[Key]]:
    """Release reservations no shipment confirmed within `older_than` of their units being
    reserved, all at once; returns the (order, attempt) expired and the keys freed."""
    due = await conn.fetch(
        "SELECT order_id FROM reservations WHERE status = 'reserved'"
        " AND reserved_at < now() - $1::interval ORDER BY reserved_at LIMIT $2",
        older_than,
        limit,
    )
    due_ids = [row["order_id"] for row in due]
    if not due_ids:
        return [], []
    await stock.lock_skus(conn, await _skus_held_by(conn, due_ids))
    rows = await conn.fetch(  # checked again under the locks: a fill or confirmation may have won
        "SELECT order_id, attempt FROM reservations WHERE order_id = ANY($1::text[])"
        " AND status = 'reserved' AND reserved_at < now() - $2::interval"
        " ORDER BY order_id FOR UPDATE SKIP LOCKED",
        due_ids,
        older_than,
    )
    expired = [(row["order_id"], row["attempt"]) for row in rows]
    return expired, await _give_back(conn, [order for order, _ in expired], "expiry")


async def _skus_held_by(conn: asyncpg.Connection, order_ids: Sequence[str]) -> list[str]:
    """SKUs these orders hold unshipped, or wait for."""
    rows = await conn.fetch(
        "SELECT sku FROM reservation_lines WHERE order_id = ANY($1::text[])"
        " AND NOT committed AND NOT released"
        " UNION SELECT sku FROM backorders WHERE order_id = ANY($1::text[]) AND open > 0",
        list(order_ids),
    )
    return [row["sku"] for row in rows]


async def _give_back(conn: asyncpg.Connection, order_ids: Sequence[str], kind: str) -> list[Key]:
    """Close the orders' backorders and give back their unshipped units, all in one statement per
    table; returns the keys freed. A committed order keeps its status: what shipped, shipped."""
    if not order_ids:
        return []
    ids = list(order_ids)
    await backorders.close(conn, ids)
    lines = await conn.fetch(
        "UPDATE reservation_lines SET released = true, expired = ($2::text = 'expiry')"
        " WHERE order_id = ANY($1::text[])"
        " AND NOT committed AND NOT released RETURNING order_id, sku, location_id, quantity",
        ids,
        kind,
    )
    freed: Counter[tuple[Key, str]] = Counter()  # per key and order: the ledger names the order
    reserved: Counter[Key] = Counter()
    for row in lines:
        key = (row["sku"], row["location_id"])
        freed[(key, row["order_id"])] -= row["quantity"]
        reserved[key] -= row["quantity"]
    await stock.change_stock(conn, {}, reserved)
    await ledger.record(
        conn,
        [
            Movement(key[0], key[1], kind, order_id, reserved_delta=units)
            for (key, order_id), units in sorted(freed.items())
        ],
    )
    await conn.execute(
        "UPDATE reservations SET status = $2, updated_at = now()"
        " WHERE order_id = ANY($1::text[]) AND status <> 'committed'",
        ids,
        "expired" if kind == "expiry" else "released",
    )
    return sorted(reserved)


async def reserve_follow_up(
    conn: asyncpg.Connection, order_id: str, shipment_id: str, key: Key, units: int
) -> None:
    """A filled backorder's units, reserved as one follow-up shipment. They are reserved now, so
    the order's TTL starts again; a confirmed order stays confirmed (fulfillment acts on it)."""
    await insert_lines(conn, [(order_id, shipment_id, key[0], key[1], units)])
    await stock.change_stock(conn, {}, {key: units})
    await ledger.record(
        conn, [Movement(key[0], key[1], "reservation", order_id, reserved_delta=units)]
    )
    await conn.execute(
        "UPDATE reservations SET updated_at = now(), reserved_at = now(),"
        " status = CASE WHEN status = 'confirmed' THEN status ELSE 'reserved' END"
        " WHERE order_id = $1",
        order_id,
    )
