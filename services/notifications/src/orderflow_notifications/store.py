"""notifications' tables."""

import asyncpg
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.order import CanonicalOrder


async def save_contact(conn: asyncpg.Connection, order: CanonicalOrder) -> None:
    await conn.execute(
        "INSERT INTO contacts (order_id, name, email, language) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (order_id) DO NOTHING",
        order.order_id,
        order.customer.name,
        order.customer.email,
        order.customer.language,
    )
    await conn.execute(
        "UPDATE notifications SET status = 'pending', recipient = $2, language = $3"
        " WHERE order_id = $1 AND status = 'awaiting_contact'",
        order.order_id,
        order.customer.email,
        order.customer.language,
    )


async def queue(
    conn: asyncpg.Connection, event: ShipmentStatusChanged, correlation_id: str
) -> bool:
    contact = await conn.fetchrow(
        "SELECT email, language FROM contacts WHERE order_id = $1", event.order_id
    )
    queued = await conn.fetchval(
        "INSERT INTO notifications (order_id, shipment_id, kind, tracking_number, carrier, status, recipient,"
        " language, correlation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (shipment_id, kind) DO NOTHING RETURNING true",
        event.order_id,
        event.shipment_id,
        event.status.value,
        event.tracking_number,
        event.carrier,
        "pending" if contact else "awaiting_contact",
        contact["email"] if contact else "",
        contact["language"] if contact else "",
        correlation_id,
    )
    return bool(queued)


async def claim_due(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT n.*, c.name FROM notifications n JOIN contacts c USING (order_id)"
        " WHERE n.status = 'pending' AND n.next_attempt_at <= now()"
        " ORDER BY n.next_attempt_at LIMIT $1 FOR UPDATE OF n SKIP LOCKED",
        limit,
    )


async def record_attempt(
    conn: asyncpg.Connection,
    notification_id: int,
    attempt: int,
    *,
    sent: bool,
    gave_up: bool,
    detail: str,
    retry_in_s: float,
) -> None:
    status = "sent" if sent else ("failed" if gave_up else "pending")
    await conn.execute(
        "UPDATE notifications SET status = $2, attempts = $3,"
        " sent_at = CASE WHEN $2 = 'sent' THEN now() END,"
        " next_attempt_at = now() + make_interval(secs => $4) WHERE id = $1",
        notification_id,
        status,
        attempt,
        retry_in_s,
    )
    await conn.execute(
        "INSERT INTO delivery_log (notification_id, attempt, outcome, detail) VALUES ($1, $2, $3, $4)",
        notification_id,
        attempt,
        "sent" if sent else "failed",
        detail[:2000],
    )
