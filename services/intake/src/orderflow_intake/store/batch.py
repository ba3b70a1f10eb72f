"""The reads and writes of a whole poll of new marketplace orders, one statement each."""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
from orderflow_contracts.intake import HoldReason
from orderflow_contracts.order import CanonicalOrder

from orderflow_intake.domain import Components
from orderflow_intake.screening import customer_key

OrderKey = tuple[str, str]  # channel, external id


async def known_keys(conn: asyncpg.Connection, keys: Sequence[OrderKey]) -> set[OrderKey]:
    """The channel orders that are already known (marketplaces resend)."""
    rows = await conn.fetch(
        "SELECT channel, external_id FROM orders"
        " WHERE (channel, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
        [channel for channel, _ in keys],
        [external_id for _, external_id in keys],
    )
    return {(row["channel"], row["external_id"]) for row in rows}


async def keys_with_parked_updates(
    conn: asyncpg.Connection, keys: Sequence[OrderKey]
) -> set[OrderKey]:
    """Those with updates parked, or refunds waiting, for the order: it is taken on its own."""
    rows = await conn.fetch(
        "WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[]) AS w(channel, external_id))"
        " SELECT channel, external_id FROM parked_updates WHERE (channel, external_id) IN"
        "  (SELECT * FROM wanted)"
        " UNION SELECT channel, external_id FROM refunds WHERE told_at IS NULL"
        "  AND (channel, external_id) IN (SELECT * FROM wanted)",
        [channel for channel, _ in keys],
        [external_id for _, external_id in keys],
    )
    return {(row["channel"], row["external_id"]) for row in rows}


async def listings_by_channel(
    conn: asyncpg.Connection, wanted: Iterable[tuple[str, str]]
) -> dict[str, dict[str, Components]]:
    """channel -> channel SKU -> its master SKUs, for every (channel, channel SKU) wanted."""
    return await _components_by_channel(conn, "listing_components", "channel_sku", wanted)


async def item_listings_by_channel(
    conn: asyncpg.Connection, wanted: Iterable[tuple[str, str]]
) -> dict[str, dict[str, Components]]:
    """channel -> channel item id -> its master SKUs, for lines without a seller SKU."""
    return await _components_by_channel(conn, "item_listings", "channel_item_id", wanted)


async def _components_by_channel(
    conn: asyncpg.Connection, table: str, key: str, wanted: Iterable[tuple[str, str]]
) -> dict[str, dict[str, Components]]:
    pairs = sorted(set(wanted))
    rows = await conn.fetch(
        f"SELECT channel, {key} AS key, sku, quantity FROM {table}"  # table and key: constants
        f" WHERE (channel, {key}) IN (SELECT * FROM unnest($1::text[], $2::text[]))"
        f" ORDER BY channel, {key}, sku",
        [channel for channel, _ in pairs],
        [channel_key for _, channel_key in pairs],
    )
    found: dict[str, dict[str, list[tuple[str, int]]]] = {}
    for row in rows:
        found.setdefault(row["channel"], {}).setdefault(row["key"], []).append(
            (row["sku"], row["quantity"])
        )
    return {
        channel: {sku: tuple(parts) for sku, parts in skus.items()}
        for channel, skus in found.items()
    }


async def recent_orders_by_customer(
    conn: asyncpg.Connection,
    customers: Iterable[str],
    placed: Sequence[datetime],
    window: timedelta,
) -> dict[str, list[CanonicalOrder]]:
    """Live orders of these customers (screening.customer_key) placed within the window of any
    order of the poll."""
    wanted = sorted({customer for customer in customers if customer})
    if not wanted or not placed or window <= timedelta(0):
        return {}
    rows = await conn.fetch(
        "SELECT customer_key, canonical FROM orders WHERE customer_key = ANY($1::text[])"
        " AND status <> 'cancelled' AND placed_at BETWEEN $2::timestamptz AND $3::timestamptz"
        " ORDER BY received_at",
        wanted,
        min(placed) - window,
        max(placed) + window,
    )
    found: dict[str, list[CanonicalOrder]] = {}
    for row in rows:
        found.setdefault(row["customer_key"], []).append(
            CanonicalOrder.model_validate_json(row["canonical"])
        )
    return found


@dataclass(frozen=True)
class Screened:
    order: CanonicalOrder
    reasons: list[HoldReason]
    correlation_id: str
    raw_payload: dict[str, Any]


async def insert_screened(conn: asyncpg.Connection, screened: Sequence[Screened]) -> set[str]:
    """Insert the orders already screened, held or accepted, with their holds; returns the ids
    inserted (a channel order inserted meanwhile is skipped)."""
    rows = await conn.fetch(
        "INSERT INTO orders (order_id, channel, external_id, status, correlation_id, canonical,"
        " raw_payload, customer_email, customer_key, placed_at, accepted_at)"
        " SELECT o.order_id, o.channel, o.external_id, o.status, o.correlation_id, o.canonical,"
        "  o.raw_payload, o.customer_email, o.customer_key, o.placed_at,"
        "  CASE WHEN o.status = 'accepted' THEN now() END"
        " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[],"
        "  $7::jsonb[], $8::text[], $9::text[], $10::timestamptz[]) AS o(order_id, channel,"
        "  external_id, status, correlation_id, canonical, raw_payload, customer_email,"
        "  customer_key, placed_at)"
        " ON CONFLICT (channel, external_id) DO NOTHING RETURNING order_id",
        [s.order.order_id for s in screened],
        [s.order.channel for s in screened],
        [s.order.external_id for s in screened],
        ["held" if s.reasons else "accepted" for s in screened],
        [s.correlation_id for s in screened],
        [s.order.model_dump_json() for s in screened],
        [json.dumps(s.raw_payload) for s in screened],
        [s.order.customer.email.strip().lower() for s in screened],
        [customer_key(s.order.channel, s.order.customer) for s in screened],
        [s.order.placed_at for s in screened],
    )
    inserted = {row["order_id"] for row in rows}
    holds = [
        (s.order.order_id, reason)
        for s in screened
        if s.order.order_id in inserted
        for reason in s.reasons
    ]
    if holds:
        await conn.execute(
            "INSERT INTO holds (order_id, code, detail)"
            " SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING",
            [order_id for order_id, _ in holds],
            [reason.code for _, reason in holds],
            [reason.detail for _, reason in holds],
        )
    return inserted
