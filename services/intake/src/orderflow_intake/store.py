"""intake's tables, through the consumer's transaction connection."""

import json
from typing import Any

import asyncpg
from orderflow_contracts.intake import HoldReason
from orderflow_contracts.order import CanonicalOrder
from orderflow_contracts.setup import ChannelListing

from orderflow_intake.domain import Listing


async def load_listings(conn: asyncpg.Connection, listings: tuple[ChannelListing, ...]) -> None:
    await conn.executemany(
        "INSERT INTO listings (channel, channel_sku, sku, quantity) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (channel, channel_sku) DO UPDATE SET sku = EXCLUDED.sku, quantity = EXCLUDED.quantity",
        [(item.channel, item.channel_sku, item.sku, item.quantity) for item in listings],
    )


async def listings_for(
    conn: asyncpg.Connection, channel: str, channel_skus: list[str]
) -> dict[str, Listing]:
    rows = await conn.fetch(
        "SELECT channel_sku, sku, quantity FROM listings WHERE channel = $1 AND channel_sku = ANY($2::text[])",
        channel,
        channel_skus,
    )
    return {row["channel_sku"]: (row["sku"], row["quantity"]) for row in rows}


async def insert_order(
    conn: asyncpg.Connection,
    order: CanonicalOrder,
    *,
    status: str,
    correlation_id: str,
    raw_payload: dict[str, Any],
) -> bool:
    """False when this channel order is already known: marketplaces resend."""
    inserted = await conn.fetchval(
        "INSERT INTO orders (order_id, channel, external_id, status, correlation_id, canonical, raw_payload)"
        " VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)"
        " ON CONFLICT (channel, external_id) DO NOTHING RETURNING true",
        order.order_id,
        order.channel,
        order.external_id,
        status,
        correlation_id,
        order.model_dump_json(),
        json.dumps(raw_payload),
    )
    return bool(inserted)


async def hold(conn: asyncpg.Connection, order_id: str, reasons: list[HoldReason]) -> bool:
    """False when the order is cancelled already: a cancelled order needs no operator."""
    held = await conn.fetchval(
        "UPDATE orders SET status = 'held', updated_at = now()"
        " WHERE order_id = $1 AND status <> 'cancelled' RETURNING true",
        order_id,
    )
    if not held:
        return False
    await conn.executemany(
        "INSERT INTO holds (order_id, code, detail) VALUES ($1, $2, $3)"
        " ON CONFLICT (order_id, code) DO UPDATE SET detail = EXCLUDED.detail, resolved_at = NULL",
        [(order_id, reason.code, reason.detail) for reason in reasons],
    )
    return True


async def cancel(conn: asyncpg.Connection, channel: str, external_id: str) -> asyncpg.Record | None:
    """The order, now cancelled; None when intake has never seen it."""
    return await conn.fetchrow(  # type: ignore[no-any-return]
        "UPDATE orders SET status = 'cancelled', updated_at = now()"
        " WHERE channel = $1 AND external_id = $2 RETURNING order_id",
        channel,
        external_id,
    )
