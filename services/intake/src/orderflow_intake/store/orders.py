"""Orders and their holds: the canonical order, the exception queue."""

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from orderflow_contracts.intake import HoldReason
from orderflow_contracts.order import Address, CanonicalOrder

from orderflow_intake.screening import customer_key


async def insert_order(
    conn: asyncpg.Connection,
    order: CanonicalOrder,
    *,
    correlation_id: str,
    raw_payload: dict[str, Any],
    ship_to_override: Address | None,
    payment_captured: bool | None,
) -> bool:
    """False when this channel order is already known: marketplaces resend. Inserted as held
    until screened, in the same transaction. A ship-to override here came from the channel
    (parked address changes), so it is also the channel's last address."""
    override = ship_to_override.model_dump_json() if ship_to_override else None
    inserted = await conn.fetchval(
        "INSERT INTO orders (order_id, channel, external_id, status, correlation_id, canonical,"
        " raw_payload, customer_email, customer_key, placed_at, ship_to_override,"
        " channel_ship_to, payment_captured)"
        " VALUES ($1, $2, $3, 'held', $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10::jsonb,"
        " $10::jsonb, $11)"
        " ON CONFLICT (channel, external_id) DO NOTHING RETURNING true",
        order.order_id,
        order.channel,
        order.external_id,
        correlation_id,
        order.model_dump_json(),
        json.dumps(raw_payload),
        order.customer.email.strip().lower(),
        customer_key(order.channel, order.customer),
        order.placed_at,
        override,
        payment_captured,
    )
    return bool(inserted)


async def lock_order(conn: asyncpg.Connection, order_id: str) -> asyncpg.Record | None:
    """The order's row, locked until the transaction ends: the consumer and operators take
    turns."""
    return await conn.fetchrow("SELECT * FROM orders WHERE order_id = $1 FOR UPDATE", order_id)


async def order_status(conn: asyncpg.Connection, order_id: str) -> str | None:
    return await conn.fetchval(  # type: ignore[no-any-return]
        "SELECT status FROM orders WHERE order_id = $1", order_id
    )


async def lock_channel_orders(conn: asyncpg.Connection, keys: list[tuple[str, str]]) -> None:
    """Until the transaction ends, no other takes a document for these channel orders: an
    advisory lock, since the order's row may not exist yet (its updates are parked then). A
    webhook and the marketplace topic can bring documents for one order at the same moment."""
    await conn.execute(
        "SELECT pg_advisory_xact_lock(lock_key) FROM (SELECT DISTINCT hashtextextended(key, 0)"
        " AS lock_key FROM unnest($1::text[]) AS key ORDER BY 1) AS sorted_keys",
        [f"{channel}:{external_id}" for channel, external_id in keys],
    )


async def lock_order_by_key(
    conn: asyncpg.Connection, channel: str, external_id: str
) -> asyncpg.Record | None:
    await lock_channel_orders(conn, [(channel, external_id)])
    return await conn.fetchrow(
        "SELECT * FROM orders WHERE channel = $1 AND external_id = $2 FOR UPDATE",
        channel,
        external_id,
    )


def canonical_of(row: asyncpg.Record) -> CanonicalOrder:
    return CanonicalOrder.model_validate_json(row["canonical"])


async def save_canonical(conn: asyncpg.Connection, order: CanonicalOrder) -> None:
    await conn.execute(
        "UPDATE orders SET canonical = $2::jsonb, customer_email = $3, customer_key = $4,"
        " placed_at = $5, updated_at = now() WHERE order_id = $1",
        order.order_id,
        order.model_dump_json(),
        order.customer.email.strip().lower(),
        customer_key(order.channel, order.customer),
        order.placed_at,
    )


async def recent_orders_of(
    conn: asyncpg.Connection,
    customer: str,
    placed_at: datetime,
    window: timedelta,
    *,
    received_before: datetime | None,
) -> list[CanonicalOrder]:
    """The customer's (screening.customer_key) live orders placed within the window, received
    before this one."""
    if not customer or window <= timedelta(0):
        return []
    rows = await conn.fetch(
        "SELECT canonical FROM orders WHERE customer_key = $1 AND status <> 'cancelled'"
        " AND placed_at BETWEEN $2::timestamptz - $3::interval AND $2::timestamptz + $3::interval"
        " AND ($4::timestamptz IS NULL OR received_at < $4)"
        " ORDER BY received_at LIMIT 50",
        customer,
        placed_at,
        window,
        received_before,
    )
    return [CanonicalOrder.model_validate_json(row["canonical"]) for row in rows]


async def accept(conn: asyncpg.Connection, order_id: str) -> None:
    """Out of the queue: shipped (or delivered) orders go back to that, the rest to accepted."""
    await conn.execute(
        "UPDATE orders SET status = CASE WHEN delivered_at IS NOT NULL THEN 'delivered'"
        " WHEN shipped_at IS NULL THEN 'accepted' ELSE 'shipped' END,"
        " accepted_at = coalesce(accepted_at, now()), updated_at = now() WHERE order_id = $1",
        order_id,
    )


async def hold(conn: asyncpg.Connection, order_id: str, reasons: list[HoldReason]) -> bool:
    """False when the order is cancelled already: a cancelled order needs no operator."""
    held = await conn.fetchval(
        "UPDATE orders SET status = 'held', updated_at = now()"
        " WHERE order_id = $1 AND status <> 'cancelled' RETURNING true",
        order_id,
    )
    if not held:
        return False
    # A reason that comes back after it was resolved is a new row, a new wait in the queue: the
    # earlier wait stays in the time-in-queue KPI. An open one only gets the latest detail.
    await conn.executemany(
        "INSERT INTO holds (order_id, code, detail) VALUES ($1, $2, $3)"
        " ON CONFLICT (order_id, code) WHERE resolved_at IS NULL"
        " DO UPDATE SET detail = EXCLUDED.detail",
        [(order_id, reason.code, reason.detail) for reason in reasons],
    )
    return True


async def open_holds(conn: asyncpg.Connection, order_id: str) -> list[HoldReason]:
    rows = await conn.fetch(
        "SELECT code, detail FROM holds WHERE order_id = $1 AND resolved_at IS NULL ORDER BY code",
        order_id,
    )
    return [HoldReason(code=row["code"], detail=row["detail"]) for row in rows]


async def resolve_holds(conn: asyncpg.Connection, order_id: str, codes: Iterable[str]) -> None:
    await conn.execute(
        "UPDATE holds SET resolved_at = now()"
        " WHERE order_id = $1 AND code = ANY($2::text[]) AND resolved_at IS NULL",
        order_id,
        list(codes),
    )


async def waive(conn: asyncpg.Connection, order_id: str, codes: Iterable[str]) -> None:
    await conn.execute(
        "UPDATE orders SET waived = ARRAY(SELECT DISTINCT unnest(waived || $2::text[]))"
        " WHERE order_id = $1",
        order_id,
        list(codes),
    )


async def set_ship_to(conn: asyncpg.Connection, order_id: str, ship_to: Address) -> None:
    await conn.execute(
        "UPDATE orders SET ship_to_override = $2::jsonb, updated_at = now() WHERE order_id = $1",
        order_id,
        ship_to.model_dump_json(),
    )


async def set_channel_ship_to(conn: asyncpg.Connection, order_id: str, ship_to: Address) -> None:
    await conn.execute(
        "UPDATE orders SET channel_ship_to = $2::jsonb WHERE order_id = $1",
        order_id,
        ship_to.model_dump_json(),
    )


async def set_payment(conn: asyncpg.Connection, order_id: str, captured: bool) -> None:
    await conn.execute(
        "UPDATE orders SET payment_captured = $2, updated_at = now() WHERE order_id = $1",
        order_id,
        captured,
    )


async def cancel(conn: asyncpg.Connection, order_id: str, reason: str) -> None:
    """Cancelled orders leave the exception queue."""
    await conn.execute(
        "UPDATE orders SET status = 'cancelled', cancelled_at = now(), cancel_reason = $2,"
        " updated_at = now() WHERE order_id = $1",
        order_id,
        reason,
    )
    await conn.execute(
        "UPDATE holds SET resolved_at = now() WHERE order_id = $1 AND resolved_at IS NULL",
        order_id,
    )


async def mark_shipped(conn: asyncpg.Connection, order_ids: list[str]) -> list[str]:
    """The orders that left now: not those intake does not know, or knew shipped already."""
    if not order_ids:
        return []
    rows = await conn.fetch(
        "UPDATE orders SET shipped_at = now(), updated_at = now(),"
        " status = CASE WHEN status = 'accepted' THEN 'shipped' ELSE status END"
        " WHERE order_id = ANY($1::text[]) AND shipped_at IS NULL RETURNING order_id",
        order_ids,
    )
    return [row["order_id"] for row in rows]


async def note_shipment_answers(
    conn: asyncpg.Connection, notes: list[tuple[str, str, dict[str, str]]]
) -> set[str]:
    """Fulfillment's answers (order id, action, detail) in the audit trail of the orders intake
    knows, in one statement; returns those orders."""
    if not notes:
        return set()
    rows = await conn.fetch(
        "INSERT INTO audit (subject, action, actor, detail)"
        " SELECT 'order:' || n.order_id, n.action, 'fulfillment', n.detail::jsonb"
        " FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY"
        "  AS n(order_id, action, detail, position)"
        " JOIN orders o ON o.order_id = n.order_id ORDER BY n.position"
        " RETURNING subject",
        [order_id for order_id, _, _ in notes],
        [action for _, action, _ in notes],
        [json.dumps(detail) for _, _, detail in notes],
    )
    return {row["subject"].removeprefix("order:") for row in rows}
