"""The SQL of intake's privacy work: erasure requests and their progress, and the rows holding
a buyer's data (orders, raw payloads, parked updates, the audit trail) found and rewritten."""

import json
import uuid
from datetime import datetime
from typing import Any

import asyncpg


def _digest(text: str) -> str:
    """PostgreSQL's side of orderflow_contracts.privacy.email_digest."""
    return f"encode(sha256(convert_to(lower(btrim({text})), 'UTF8')), 'hex')"


_CANONICAL_EMAIL = "canonical -> 'customer' ->> 'email'"
_OF_CUSTOMER = f"{_digest('customer_email')} = $1 OR {_digest(_CANONICAL_EMAIL)} = $1"


async def insert_erasure(
    conn: asyncpg.Connection, erasure_id: uuid.UUID, digest: str, actor: str, order_ids: list[str]
) -> None:
    await conn.execute(
        "INSERT INTO erasures (erasure_id, email_digest, actor, order_ids) VALUES ($1, $2, $3, $4)",
        erasure_id,
        digest,
        actor,
        order_ids,
    )


async def record_progress(
    conn: asyncpg.Connection, erasure_id: uuid.UUID, service: str, counts: dict[str, int]
) -> bool:
    """False: the erasure is unknown here (another deployment's, or its row was lost)."""
    status = await conn.execute(
        "INSERT INTO erasure_progress (erasure_id, service, counts)"
        " SELECT erasure_id, $2, $3::jsonb FROM erasures WHERE erasure_id = $1"
        " ON CONFLICT (erasure_id, service) DO UPDATE SET counts = EXCLUDED.counts,"
        " erased_at = now()",
        erasure_id,
        service,
        json.dumps(counts),
    )
    return str(status) != "INSERT 0 0"


async def erasure(pool: asyncpg.Pool, erasure_id: uuid.UUID) -> asyncpg.Record | None:
    return await pool.fetchrow(
        "SELECT erasure_id, actor, requested_at, cardinality(order_ids) AS orders"
        " FROM erasures WHERE erasure_id = $1",
        erasure_id,
    )


async def progress_of(pool: asyncpg.Pool, erasure_id: uuid.UUID) -> list[asyncpg.Record]:
    return await pool.fetch(  # type: ignore[no-any-return]
        "SELECT service, counts::text AS counts, erased_at FROM erasure_progress"
        " WHERE erasure_id = $1 ORDER BY service",
        erasure_id,
    )


async def lock_orders_of_customer(conn: asyncpg.Connection, digest: str) -> list[asyncpg.Record]:
    """Every order of the e-mail, erased before or not (its id still names it to the others)."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT order_id, channel, external_id, canonical::text AS canonical, raw_payload::text"
        " AS raw_payload, ship_to_override::text AS ship_to_override, channel_ship_to::text AS"
        f" channel_ship_to FROM orders WHERE {_OF_CUSTOMER} ORDER BY order_id FOR UPDATE",
        digest,
    )


async def lock_orders_due(
    conn: asyncpg.Connection, closed_before: datetime, resent_since: datetime, limit: int
) -> list[asyncpg.Record]:
    """Shipped or cancelled orders closed before the cutoff whose data is not erased yet, and
    erased orders the channel has sent again since their erasure: changed after it, or with a
    body received after it (since `resent_since`, the rounds that may not have seen it)."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT order_id, channel, external_id, canonical::text AS canonical, raw_payload::text"
        " AS raw_payload, ship_to_override::text AS ship_to_override, channel_ship_to::text AS"
        " channel_ship_to FROM orders o WHERE (pii_erased_at IS NULL"
        "  AND status IN ('shipped', 'delivered', 'cancelled')"
        "  AND coalesce(shipped_at, cancelled_at) < $1)"
        " OR (pii_erased_at IS NOT NULL AND updated_at > pii_erased_at)"
        " OR order_id IN (SELECT e.order_id FROM raw_payloads r JOIN orders e"
        "  ON (e.channel, e.external_id) = (r.channel, r.external_id)"
        "  WHERE r.pii_erased_at IS NULL AND r.received_at > $2"
        "  AND e.pii_erased_at IS NOT NULL AND r.received_at > e.pii_erased_at)"
        " ORDER BY coalesce(shipped_at, cancelled_at) LIMIT $3 FOR UPDATE OF o SKIP LOCKED",
        closed_before,
        resent_since,
        limit,
    )


async def save_erased_orders(conn: asyncpg.Connection, orders: list[dict[str, Any]]) -> None:
    await conn.executemany(
        "UPDATE orders SET canonical = $2::jsonb, raw_payload = $3::jsonb,"
        " ship_to_override = $4::jsonb, channel_ship_to = $5::jsonb, customer_email = '',"
        " customer_key = '', pii_erased_at = now() WHERE order_id = $1",
        [
            (
                o["order_id"],
                o["canonical"],
                o["raw_payload"],
                o["ship_to_override"],
                o["channel_ship_to"],
            )
            for o in orders
        ],
    )


async def lock_raw_payloads(
    conn: asyncpg.Connection, orders: list[tuple[str, str]], email: str
) -> list[asyncpg.Record]:
    """The raw payloads of these (channel, external id)s, and any whose body holds the e-mail
    in any case (a refused body has no order to name it)."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT payload_id, channel, external_id, body FROM raw_payloads r WHERE (r.channel, r.external_id) IN"
        " (SELECT * FROM unnest($1::text[], $2::text[]))"
        " OR position(lower(encode(convert_to($3, 'UTF8'), 'escape'))"
        "  IN lower(encode(r.body, 'escape'))) > 0"
        " ORDER BY payload_id FOR UPDATE",
        [channel for channel, _ in orders],
        [external_id for _, external_id in orders],
        email,
    )


async def lock_raw_payloads_due(
    conn: asyncpg.Connection, orders: list[tuple[str, str]], received_before: datetime, limit: int
) -> list[asyncpg.Record]:
    """The raw payloads of these orders, and bodies no order came of (refused, failed) older
    than the cutoff: nobody re-parses a body that old."""
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT payload_id, channel, external_id, body FROM raw_payloads r WHERE pii_erased_at IS NULL AND ("
        " (r.channel, r.external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
        " OR (r.status <> 'accepted' AND r.received_at < $3)"
        ") ORDER BY payload_id LIMIT $4 FOR UPDATE SKIP LOCKED",
        [channel for channel, _ in orders],
        [external_id for _, external_id in orders],
        received_before,
        limit,
    )


async def save_erased_raw(conn: asyncpg.Connection, bodies: list[tuple[int, bytes]]) -> None:
    await conn.executemany(
        "UPDATE raw_payloads SET body = $2, pii_erased_at = now() WHERE payload_id = $1", bodies
    )


async def lock_parked_and_audit(
    conn: asyncpg.Connection, orders: list[tuple[str, str, str]]
) -> tuple[list[asyncpg.Record], list[asyncpg.Record]]:
    """The parked updates and audit rows of these (order id, channel, external id)s."""
    parked = await conn.fetch(
        "SELECT update_id AS id, payload::text AS document FROM parked_updates WHERE"
        " (channel, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) FOR UPDATE",
        [channel for _, channel, _ in orders],
        [external_id for _, _, external_id in orders],
    )
    audits = await conn.fetch(
        "SELECT audit_id AS id, detail::text AS document FROM audit WHERE subject = ANY($1)"
        " FOR UPDATE",
        [f"order:{order_id}" for order_id, _, _ in orders],
    )
    return list(parked), list(audits)


async def save_parked_and_audit(
    conn: asyncpg.Connection, parked: list[tuple[int, str]], audits: list[tuple[int, str]]
) -> None:
    await conn.executemany(
        "UPDATE parked_updates SET payload = $2::jsonb WHERE update_id = $1", parked
    )
    await conn.executemany("UPDATE audit SET detail = $2::jsonb WHERE audit_id = $1", audits)
