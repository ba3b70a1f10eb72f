"""inventory's tables. Stock rows are always locked in (sku, location_id) order, so concurrent
writers queue instead of deadlocking."""

import asyncpg
from orderflow_contracts.inventory import LocationLevel
from orderflow_contracts.routing import ShipmentsPlanned

from orderflow_inventory.domain import Need


async def lock_free_stock(conn: asyncpg.Connection, need: Need) -> dict[tuple[str, str], int]:
    keys = sorted(need)
    rows = await conn.fetch(
        "SELECT sku, location_id, on_hand - reserved AS free FROM stock"
        " WHERE (sku, location_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
        " ORDER BY sku, location_id FOR UPDATE",
        [sku for sku, _ in keys],
        [location for _, location in keys],
    )
    return {(row["sku"], row["location_id"]): row["free"] for row in rows}


async def reservation_attempt(conn: asyncpg.Connection, order_id: str) -> int | None:
    return await conn.fetchval("SELECT attempt FROM reservations WHERE order_id = $1", order_id)  # type: ignore[no-any-return]


async def reserve(conn: asyncpg.Connection, plan: ShipmentsPlanned, need: Need) -> None:
    keys = sorted(need)
    await conn.execute(
        "UPDATE stock SET reserved = stock.reserved + n.units, updated_at = now()"
        " FROM unnest($1::text[], $2::text[], $3::int[]) AS n(sku, location_id, units)"
        " WHERE stock.sku = n.sku AND stock.location_id = n.location_id",
        [sku for sku, _ in keys],
        [location for _, location in keys],
        [need[key] for key in keys],
    )
    await conn.execute(
        "INSERT INTO reservations (order_id, attempt, status) VALUES ($1, $2, 'reserved')",
        plan.order_id,
        plan.attempt,
    )
    rows = [
        (plan.order_id, shipment.shipment_id, line.sku, shipment.location_id, line.quantity)
        for shipment in plan.shipments
        for line in shipment.lines
    ]
    await conn.executemany(
        "INSERT INTO reservation_lines (order_id, shipment_id, sku, location_id, quantity)"
        " VALUES ($1, $2, $3, $4, $5)",
        rows,
    )
    await conn.executemany(
        "INSERT INTO movements (sku, location_id, kind, quantity, reference) VALUES ($1, $2, 'reservation', $3, $4)",
        [(sku, location, units, plan.order_id) for (sku, location), units in sorted(need.items())],
    )


async def receive(
    conn: asyncpg.Connection, sku: str, location_id: str, quantity: int, reference: str
) -> None:
    await conn.execute(
        "INSERT INTO stock (sku, location_id, on_hand) VALUES ($1, $2, $3)"
        " ON CONFLICT (sku, location_id) DO UPDATE SET on_hand = stock.on_hand + EXCLUDED.on_hand, updated_at = now()",
        sku,
        location_id,
        quantity,
    )
    await conn.execute(
        "INSERT INTO movements (sku, location_id, kind, quantity, reference) VALUES ($1, $2, 'receipt', $3, $4)",
        sku,
        location_id,
        quantity,
        reference,
    )


async def commit_shipment(conn: asyncpg.Connection, shipment_id: str) -> list[str]:
    """Shipped goods leave on hand and the reservation; returns the SKUs touched."""
    lines = await conn.fetch(
        "UPDATE reservation_lines SET committed = true WHERE shipment_id = $1 AND NOT committed"
        " RETURNING order_id, sku, location_id, quantity, released",
        shipment_id,
    )
    if not lines:
        return []
    ordered = sorted(lines, key=lambda row: (row["sku"], row["location_id"]))
    # Goods of a released line shipped anyway: they leave on hand; their reservation is gone
    # already. If others hold those units now, the never_oversold check refuses loudly.
    await conn.executemany(
        "UPDATE stock SET on_hand = on_hand - $3,"
        " reserved = reserved - CASE WHEN $4 THEN 0 ELSE $3 END, updated_at = now()"
        " WHERE sku = $1 AND location_id = $2",
        [(row["sku"], row["location_id"], row["quantity"], row["released"]) for row in ordered],
    )
    await conn.executemany(
        "INSERT INTO movements (sku, location_id, kind, quantity, reference) VALUES ($1, $2, 'commit', $3, $4)",
        [(row["sku"], row["location_id"], -row["quantity"], shipment_id) for row in ordered],
    )
    await conn.execute(
        "UPDATE reservations SET status = 'committed', updated_at = now() WHERE order_id = $1"
        " AND NOT EXISTS (SELECT 1 FROM reservation_lines WHERE order_id = $1 AND NOT committed)",
        lines[0]["order_id"],
    )
    return sorted({row["sku"] for row in lines})


async def release(conn: asyncpg.Connection, order_id: str) -> list[str]:
    """Give back what an order holds and is not shipped yet; returns the SKUs touched. An order
    released before any plan is remembered, so a late plan for it reserves nothing."""
    status = await conn.fetchval(
        "SELECT status FROM reservations WHERE order_id = $1 FOR UPDATE", order_id
    )
    if status is None:
        await conn.execute(
            "INSERT INTO reservations (order_id, attempt, status) VALUES ($1, 0, 'released')",
            order_id,
        )
        return []
    if status != "reserved":
        return []
    lines = await conn.fetch(
        "UPDATE reservation_lines SET released = true WHERE order_id = $1 AND NOT committed"
        " AND NOT released RETURNING sku, location_id, quantity",
        order_id,
    )
    ordered = sorted(lines, key=lambda row: (row["sku"], row["location_id"]))
    await conn.executemany(
        "UPDATE stock SET reserved = reserved - $3, updated_at = now() WHERE sku = $1 AND location_id = $2",
        [(row["sku"], row["location_id"], row["quantity"]) for row in ordered],
    )
    await conn.executemany(
        "INSERT INTO movements (sku, location_id, kind, quantity, reference) VALUES ($1, $2, 'release', $3, $4)",
        [(row["sku"], row["location_id"], row["quantity"], order_id) for row in ordered],
    )
    await conn.execute(
        "UPDATE reservations SET status = 'released', updated_at = now() WHERE order_id = $1",
        order_id,
    )
    return sorted({row["sku"] for row in lines})


async def levels(conn: asyncpg.Connection, skus: list[str]) -> dict[str, list[LocationLevel]]:
    rows = await conn.fetch(
        "SELECT sku, location_id, on_hand, reserved FROM stock WHERE sku = ANY($1::text[]) ORDER BY sku, location_id",
        skus,
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
