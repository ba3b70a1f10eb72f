"""A warehouse that will not ship some lines of a shipment (it rejected the pick task, or
picked short): their reservation there given back, and the re-plan of only those lines
reserved as more of the order's reservation. The caller holds the SKUs' locks."""

from collections import Counter
from collections.abc import Sequence

import asyncpg

from orderflow_inventory.domain import Decision, Key, Movement
from orderflow_inventory.store import backorders, ledger, stock
from orderflow_inventory.store.reservations import insert_lines


async def release_lines(
    conn: asyncpg.Connection, shipment_id: str, units: Sequence[tuple[str, int]], reason: str
) -> list[Key]:
    """Give back these units (per SKU) of the shipment's unshipped lines: a line given back
    whole is marked released, one given back in part keeps the rest. Returns the keys freed.
    Lines an expiry gave back already free nothing, but those units are not held again."""
    await conn.execute(
        "UPDATE reservation_lines l"
        " SET quantity = greatest(l.quantity - r.units, 1), expired = l.quantity > r.units"
        " FROM unnest($2::text[], $3::int[]) AS r(sku, units)"
        " WHERE l.shipment_id = $1 AND l.sku = r.sku AND l.expired AND NOT l.committed",
        shipment_id,
        [sku for sku, _ in units],
        [count for _, count in units],
    )
    rows = await conn.fetch(
        "UPDATE reservation_lines l"
        " SET quantity = CASE WHEN l.quantity > r.units THEN l.quantity - r.units"
        "  ELSE l.quantity END,"
        " released = l.quantity <= r.units"
        " FROM unnest($2::text[], $3::int[]) AS r(sku, units)"
        " WHERE l.shipment_id = $1 AND l.sku = r.sku AND NOT l.committed AND NOT l.released"
        " RETURNING l.order_id, l.sku, l.location_id,"
        "  CASE WHEN l.released THEN l.quantity ELSE r.units END AS freed",
        shipment_id,
        [sku for sku, _ in units],
        [count for _, count in units],
    )
    freed: Counter[Key] = Counter()
    for row in rows:
        freed[(row["sku"], row["location_id"])] -= row["freed"]
    await stock.change_stock(conn, {}, freed)
    await ledger.record(
        conn,
        [
            Movement(
                row["sku"],
                row["location_id"],
                "release",
                row["order_id"],
                reserved_delta=-row["freed"],
                reason=reason,
            )
            for row in rows
        ],
    )
    return sorted(freed)


async def shipments_known(conn: asyncpg.Connection, shipment_ids: Sequence[str]) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM reservation_lines WHERE shipment_id = ANY($1::text[]))"
            " OR EXISTS (SELECT 1 FROM backorders WHERE shipment_id = ANY($1::text[]))",
            list(shipment_ids),
        )
    )


async def add_to_reservation(conn: asyncpg.Connection, decision: Decision) -> None:
    """What a re-plan reserved (and backordered) joins the order's reservation; its attempt is
    the re-plan's, and it expires again unless fulfillment already acts on the order."""
    plan = decision.plan
    if decision.reserved is not None:
        await insert_lines(
            conn,
            [
                (plan.order_id, s.shipment_id, line.sku, s.location_id, line.quantity)
                for s in decision.reserved.shipments
                for line in s.lines
            ],
        )
    await backorders.insert(conn, [(plan.order_id, line) for line in decision.backordered])
    await stock.change_stock(conn, {}, decision.taken)
    await ledger.record(
        conn,
        [
            Movement(sku, location, "reservation", plan.order_id, reserved_delta=units)
            for (sku, location), units in sorted(decision.taken.items())
        ],
    )
    await conn.execute(
        "UPDATE reservations SET attempt = greatest(attempt, $2), updated_at = now(),"
        " reserved_at = now(),"
        " status = CASE WHEN status = 'confirmed' THEN status ELSE 'reserved' END"
        " WHERE order_id = $1",
        plan.order_id,
        plan.attempt,
    )
    await conn.execute(
        "INSERT INTO attempts (order_id, attempt, outcome) VALUES ($1, $2, $3)"
        " ON CONFLICT DO NOTHING",
        plan.order_id,
        plan.attempt,
        decision.outcome,
    )
