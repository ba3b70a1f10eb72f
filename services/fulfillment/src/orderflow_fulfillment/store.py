"""fulfillment's tables."""

import asyncpg
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.order import OrderLine
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from pydantic import TypeAdapter

_lines = TypeAdapter(tuple[OrderLine, ...])


async def create_shipments(
    conn: asyncpg.Connection, planned: list[tuple[ShipmentsPlanned, PlannedShipment]]
) -> set[str]:
    """Create the shipments not seen before, with their first history row; returns their ids."""
    rows = await conn.fetch(
        "INSERT INTO shipments (shipment_id, order_id, channel, external_id, location_id, carrier, service, status, lines)"
        " SELECT shipment_id, order_id, channel, external_id, location_id, carrier, service, $8, lines::jsonb"
        " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $9::text[])"
        " AS s(shipment_id, order_id, channel, external_id, location_id, carrier, service, lines)"
        " ON CONFLICT DO NOTHING RETURNING shipment_id",
        [shipment.shipment_id for _, shipment in planned],
        [plan.order_id for plan, _ in planned],
        [plan.channel for plan, _ in planned],
        [plan.external_id for plan, _ in planned],
        [shipment.location_id for _, shipment in planned],
        [shipment.carrier for _, shipment in planned],
        [shipment.service for _, shipment in planned],
        ShipmentStatus.PICK_REQUESTED.value,
        [_lines.dump_json(shipment.lines).decode() for _, shipment in planned],
    )
    created = [row["shipment_id"] for row in rows]
    await conn.execute(
        "INSERT INTO shipment_history (shipment_id, status, accepted, note)"
        " SELECT id, $2, true, '' FROM unnest($1::text[]) AS id",
        created,
        ShipmentStatus.PICK_REQUESTED.value,
    )
    return set(created)


async def shipment(
    conn: asyncpg.Connection, *, shipment_id: str = "", tracking_number: str = ""
) -> asyncpg.Record | None:
    column = "shipment_id" if shipment_id else "tracking_number"
    return await conn.fetchrow(  # type: ignore[no-any-return]
        f"SELECT * FROM shipments WHERE {column} = $1 FOR UPDATE", shipment_id or tracking_number
    )


def lines_of(row: asyncpg.Record) -> tuple[OrderLine, ...]:
    return _lines.validate_json(row["lines"])


async def set_status(
    conn: asyncpg.Connection, shipment_id: str, status: ShipmentStatus, tracking_number: str = ""
) -> None:
    await conn.execute(
        "UPDATE shipments SET status = $2, tracking_number = COALESCE(NULLIF($3, ''), tracking_number),"
        " updated_at = now() WHERE shipment_id = $1",
        shipment_id,
        status.value,
        tracking_number,
    )
    await record(conn, shipment_id, status, accepted=True)


async def record(
    conn: asyncpg.Connection,
    shipment_id: str,
    status: ShipmentStatus,
    *,
    accepted: bool,
    note: str = "",
) -> None:
    await conn.execute(
        "INSERT INTO shipment_history (shipment_id, status, accepted, note) VALUES ($1, $2, $3, $4)",
        shipment_id,
        status.value,
        accepted,
        note,
    )


async def park_tracking(
    conn: asyncpg.Connection, tracking_number: str, status: ShipmentStatus
) -> None:
    await conn.execute(
        "INSERT INTO early_tracking (tracking_number, status) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        tracking_number,
        status.value,
    )


async def take_parked_tracking(
    conn: asyncpg.Connection, tracking_number: str
) -> list[ShipmentStatus]:
    """Parked carrier news in journey order: arrival times can tie within one transaction."""
    rows = await conn.fetch(
        "DELETE FROM early_tracking WHERE tracking_number = $1 RETURNING status", tracking_number
    )
    journey = list(ShipmentStatus)
    return sorted((ShipmentStatus(row["status"]) for row in rows), key=journey.index)
