"""inventory's stock tables and the reservations a poll decides.

Locking, the same everywhere so concurrent writers queue instead of deadlocking: a use case first
takes `lock_skus` for every SKU it will touch, in SKU order, and only then reservations and stock
rows. The SKU lock serialises all stock changes of a SKU across its locations, so the levels
snapshot published after a change always includes every other committed change of that SKU;
stock rows are then locked in (sku, location_id) order. Every balance change is written to the
ledger in the same transaction."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import asyncpg
from orderflow_contracts.inventory import LocationLevel

from orderflow_inventory import ledger
from orderflow_inventory.domain import Decision, Key
from orderflow_inventory.ledger import Movement


async def lock_skus(conn: asyncpg.Connection, skus: Sequence[str]) -> None:
    """Serialise stock changes per SKU until this transaction ends; taken in SKU order. A SKU's
    products row stands for it: it exists before any of its stock rows, so even the first receipt
    at a new location queues behind the SKU's other changes."""
    if not skus:
        return
    await conn.execute(
        "SELECT 1 FROM products WHERE sku = ANY($1::text[]) ORDER BY sku FOR NO KEY UPDATE",
        sorted(set(skus)),
    )


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
    """Add the deltas to existing balances. The caller holds the SKUs' locks (`lock_skus`), so
    the rows this updates are not contended."""
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
        "INSERT INTO reservations (order_id, attempt, status, channel, plan, reserved_at)"
        " SELECT o, a, s, c, p, CASE WHEN s = 'reserved' THEN now() END"
        " FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::jsonb[]) AS d(o, a, s, c, p)",
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
    await insert_lines(conn, lines)
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


async def insert_lines(
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


async def levels(conn: asyncpg.Connection, skus: Sequence[str]) -> dict[str, list[LocationLevel]]:
    """Balances per location; consistent across a SKU's locations only under `lock_skus`."""
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
