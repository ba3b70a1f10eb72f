"""inventory's stock and reservation tables. Stock rows are always locked in (sku, location_id)
order, so concurrent writers queue instead of deadlocking; every balance change is written to
the ledger in the same statement batch."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta

import asyncpg
from orderflow_contracts.inventory import LocationLevel

from orderflow_inventory import ledger
from orderflow_inventory.domain import Decision, Key
from orderflow_inventory.ledger import Movement


async def lock_free_stock(conn: asyncpg.Connection, keys: Iterable[Key]) -> dict[Key, int]:
    ordered = sorted(set(keys))
    rows = await conn.fetch(
        "SELECT sku, location_id, on_hand - reserved AS free FROM stock"
        " WHERE (sku, location_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
        " ORDER BY sku, location_id FOR UPDATE",
        [sku for sku, _ in ordered],
        [location for _, location in ordered],
    )
    return {(row["sku"], row["location_id"]): row["free"] for row in rows}


async def orders_with_reservation(conn: asyncpg.Connection, order_ids: Sequence[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT order_id FROM reservations WHERE order_id = ANY($1::text[])", list(order_ids)
    )
    return {row["order_id"] for row in rows}


async def change_stock(
    conn: asyncpg.Connection, on_hand: Mapping[Key, int], reserved: Mapping[Key, int]
) -> None:
    """Add the deltas to existing balances, in key order."""
    keys = sorted(set(on_hand) | set(reserved))
    if not keys:
        return
    await conn.execute(
        "UPDATE stock SET on_hand = stock.on_hand + d.on_hand,"
        " reserved = stock.reserved + d.reserved, updated_at = now()"
        " FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS d(sku, location_id, on_hand, reserved)"
        " WHERE stock.sku = d.sku AND stock.location_id = d.location_id",
        [sku for sku, _ in keys],
        [location for _, location in keys],
        [on_hand.get(key, 0) for key in keys],
        [reserved.get(key, 0) for key in keys],
    )


async def lock_stock_row(conn: asyncpg.Connection, key: Key) -> tuple[int, int]:
    """Lock (creating it empty if need be) one balance; returns (on hand, reserved)."""
    await conn.execute(
        "INSERT INTO stock (sku, location_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", *key
    )
    row = await conn.fetchrow(
        "SELECT on_hand, reserved FROM stock WHERE sku = $1 AND location_id = $2 FOR UPDATE", *key
    )
    return row["on_hand"], row["reserved"]


async def save_decisions(conn: asyncpg.Connection, decisions: Sequence[Decision]) -> None:
    """Write what a batch of plans decided: reservations, their lines, backorders, attempts,
    the ledger and the balances; one statement each."""
    holding = [d for d in decisions if d.outcome in ("reserved", "partial", "backordered")]
    await conn.execute(
        "INSERT INTO attempts (order_id, attempt, outcome)"
        " SELECT * FROM unnest($1::text[], $2::int[], $3::text[]) ON CONFLICT DO NOTHING",
        [d.plan.order_id for d in decisions],
        [d.plan.attempt for d in decisions],
        [d.outcome for d in decisions],
    )
    if not holding:
        return
    await conn.execute(
        "INSERT INTO reservations (order_id, attempt, status, channel, plan)"
        " SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::jsonb[])",
        [d.plan.order_id for d in holding],
        [d.plan.attempt for d in holding],
        ["backordered" if d.outcome == "backordered" else "reserved" for d in holding],
        [d.plan.channel for d in holding],
        [d.plan.model_dump_json() for d in holding],
    )
    lines = [
        (d.plan.order_id, shipment.shipment_id, line.sku, shipment.location_id, line.quantity)
        for d in holding
        if d.reserved is not None
        for shipment in d.reserved.shipments
        for line in shipment.lines
    ]
    await _insert_lines(conn, lines)
    backorders = [(d.plan.order_id, line) for d in holding for line in d.backordered]
    if backorders:
        await conn.execute(
            "INSERT INTO backorders (order_id, shipment_id, sku, location_id, open)"
            " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])",
            [order_id for order_id, _ in backorders],
            [line.shipment_id for _, line in backorders],
            [line.sku for _, line in backorders],
            [line.location_id for _, line in backorders],
            [line.quantity for _, line in backorders],
        )
    reserved: Counter[Key] = Counter()
    movements = []
    for d in holding:
        reserved.update(d.taken)
        movements += [
            Movement(sku, location, "reservation", d.plan.order_id, reserved_delta=units)
            for (sku, location), units in sorted(d.taken.items())
        ]
    await change_stock(conn, {}, reserved)
    await ledger.record(conn, movements)


async def _insert_lines(
    conn: asyncpg.Connection, lines: Sequence[tuple[str, str, str, str, int]]
) -> None:
    if not lines:
        return
    columns = list(zip(*lines, strict=True))
    await conn.execute(
        "INSERT INTO reservation_lines (order_id, shipment_id, sku, location_id, quantity)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])",
        *[list(column) for column in columns],
    )


async def confirm(conn: asyncpg.Connection, order_ids: Sequence[str]) -> None:
    """Fulfillment acted on these reservations: they no longer expire."""
    await conn.execute(
        "UPDATE reservations SET status = 'confirmed', updated_at = now()"
        " WHERE order_id = ANY($1::text[]) AND status = 'reserved'",
        list(order_ids),
    )


async def commit_shipment(conn: asyncpg.Connection, shipment_id: str) -> list[tuple[str, int]]:
    """Shipped goods leave on hand and the reservation; returns (SKU, units) shipped."""
    lines = await conn.fetch(
        "UPDATE reservation_lines SET committed = true WHERE shipment_id = $1 AND NOT committed"
        " RETURNING order_id, sku, location_id, quantity, released",
        shipment_id,
    )
    if not lines:
        return []
    on_hand: Counter[Key] = Counter()
    reserved: Counter[Key] = Counter()
    for row in lines:
        key = (row["sku"], row["location_id"])
        on_hand[key] -= row["quantity"]
        # Goods of a released line shipped anyway: they leave on hand; their reservation is gone
        # already. If others hold those units now, the never_oversold check refuses loudly.
        if not row["released"]:
            reserved[key] -= row["quantity"]
    await change_stock(conn, on_hand, reserved)
    await ledger.record(
        conn,
        [
            Movement(
                sku,
                location,
                "commit",
                shipment_id,
                on_hand[(sku, location)],
                reserved[(sku, location)],
            )
            for sku, location in sorted(on_hand)
        ],
    )
    await conn.execute(
        "UPDATE reservations SET status = 'committed', updated_at = now() WHERE order_id = $1"
        " AND NOT EXISTS (SELECT 1 FROM reservation_lines WHERE order_id = $1 AND NOT committed"
        " AND NOT released)",
        lines[0]["order_id"],
    )
    shipped: Counter[str] = Counter()
    for row in lines:
        shipped[row["sku"]] += row["quantity"]
    return sorted(shipped.items())


async def release(conn: asyncpg.Connection, order_id: str) -> list[str]:
    """Give back what an order holds and is not shipped yet, and close its backorders; returns
    the SKUs touched. An order released before any plan is remembered, so a late plan for it
    reserves nothing."""
    status = await conn.fetchval(
        "SELECT status FROM reservations WHERE order_id = $1 FOR UPDATE", order_id
    )
    if status is None:
        await conn.execute(
            "INSERT INTO reservations (order_id, attempt, status) VALUES ($1, 0, 'released')",
            order_id,
        )
        return []
    if status not in ("reserved", "confirmed", "backordered"):
        return []
    await conn.execute("UPDATE backorders SET open = 0 WHERE order_id = $1", order_id)
    return await _give_back(conn, order_id, "release")


async def expire_unconfirmed(
    conn: asyncpg.Connection, older_than: timedelta, limit: int = 500
) -> list[tuple[str, int, list[str]]]:
    """Release reservations no shipment confirmed in time; returns (order, attempt, SKUs)."""
    rows = await conn.fetch(
        "SELECT order_id, attempt FROM reservations WHERE status = 'reserved'"
        " AND created_at < now() - $1::interval ORDER BY created_at LIMIT $2"
        " FOR UPDATE SKIP LOCKED",
        older_than,
        limit,
    )
    return [
        (row["order_id"], row["attempt"], await _give_back(conn, row["order_id"], "expiry"))
        for row in rows
    ]


async def _give_back(conn: asyncpg.Connection, order_id: str, kind: str) -> list[str]:
    lines = await conn.fetch(
        "UPDATE reservation_lines SET released = true WHERE order_id = $1 AND NOT committed"
        " AND NOT released RETURNING sku, location_id, quantity",
        order_id,
    )
    reserved: Counter[Key] = Counter()
    for row in lines:
        reserved[(row["sku"], row["location_id"])] -= row["quantity"]
    await change_stock(conn, {}, reserved)
    await ledger.record(
        conn,
        [
            Movement(sku, location, kind, order_id, reserved_delta=units)
            for (sku, location), units in sorted(reserved.items())
        ],
    )
    status = "expired" if kind == "expiry" else "released"
    await conn.execute(
        "UPDATE reservations SET status = $2, updated_at = now() WHERE order_id = $1",
        order_id,
        status,
    )
    return sorted({sku for sku, _ in reserved})


async def open_backorders(conn: asyncpg.Connection, keys: Iterable[Key]) -> list[asyncpg.Record]:
    """Open backorders at these keys, oldest first, locked for filling."""
    ordered = sorted(set(keys))
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT b.id, b.order_id, b.shipment_id, b.sku, b.location_id, b.open, r.plan"
        " FROM backorders b JOIN reservations r USING (order_id)"
        " WHERE b.open > 0 AND (b.sku, b.location_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
        " ORDER BY b.id FOR UPDATE OF b",
        [sku for sku, _ in ordered],
        [location for _, location in ordered],
    )


async def fill_backorder(
    conn: asyncpg.Connection,
    backorder_id: int,
    order_id: str,
    shipment_id: str,
    key: Key,
    units: int,
) -> None:
    """A backorder is filled whole, as one follow-up shipment."""
    await conn.execute("UPDATE backorders SET open = 0 WHERE id = $1", backorder_id)
    await _insert_lines(conn, [(order_id, shipment_id, key[0], key[1], units)])
    await change_stock(conn, {}, {key: units})
    await ledger.record(
        conn, [Movement(key[0], key[1], "reservation", order_id, reserved_delta=units)]
    )
    await conn.execute(
        "UPDATE reservations SET status = 'reserved', updated_at = now()"
        " WHERE order_id = $1 AND status = 'backordered'",
        order_id,
    )


async def levels(conn: asyncpg.Connection, skus: Sequence[str]) -> dict[str, list[LocationLevel]]:
    rows = await conn.fetch(
        "SELECT sku, location_id, on_hand, reserved FROM stock WHERE sku = ANY($1::text[])"
        " ORDER BY sku, location_id",
        list(skus),
    )
    result: dict[str, list[LocationLevel]] = {}
    for row in rows:
        result.setdefault(row["sku"], []).append(
            LocationLevel(
                location_id=row["location_id"],
                on_hand=row["on_hand"],
                reserved=row["reserved"],
                available=row["on_hand"] - row["reserved"],
            )
        )
    return result
