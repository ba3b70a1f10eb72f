"""fulfillment's tables."""

import asyncpg
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.order import OrderLine
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from pydantic import TypeAdapter

_lines = TypeAdapter(tuple[OrderLine, ...])


async def create_shipment(
    conn: asyncpg.Connection, plan: ShipmentsPlanned, shipment: PlannedShipment
) -> bool:
    created = await conn.fetchval(
        "INSERT INTO shipments (shipment_id, order_id, channel, external_id, location_id, carrier, service, status, lines)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) ON CONFLICT DO NOTHING RETURNING true",
        shipment.shipment_id,
        plan.order_id,
        plan.channel,
        plan.external_id,
        shipment.location_id,
        shipment.carrier,
        shipment.service,
        ShipmentStatus.PICK_REQUESTED.value,
        _lines.dump_json(shipment.lines).decode(),
    )
    if created:
        await record(conn, shipment.shipment_id, ShipmentStatus.PICK_REQUESTED, accepted=True)
    return bool(created)


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
