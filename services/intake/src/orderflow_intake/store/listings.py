"""The channel SKU -> master SKU map."""

import asyncpg
from orderflow_contracts.setup import ChannelListing

from orderflow_intake import catalog
from orderflow_intake.domain import Components


async def load_listings(conn: asyncpg.Connection, listings: tuple[ChannelListing, ...]) -> None:
    async with conn.transaction():
        for listing in listings:
            await put_listing(conn, listing)


async def put_listing(conn: asyncpg.Connection, listing: ChannelListing) -> None:
    """Create or replace one mapping. Raises ListingConflict when another channel SKU of the
    channel differs from this one only in case or spaces."""
    try:
        async with conn.transaction():  # a savepoint: the conflict must not abort the caller
            await conn.execute(
                "INSERT INTO listings (channel, channel_sku) VALUES ($1, $2)"
                " ON CONFLICT (channel, channel_sku) DO UPDATE SET updated_at = now()",
                listing.channel,
                listing.channel_sku,
            )
    except asyncpg.UniqueViolationError:
        other = await conn.fetchval(
            "SELECT channel_sku FROM listings WHERE channel = $1 AND upper(btrim(channel_sku)) = $2",
            listing.channel,
            catalog.normalised(listing.channel_sku),
        )
        raise catalog.ListingConflict(
            f"{listing.channel}:{listing.channel_sku}: ambiguous with existing {other!r}"
        ) from None
    await conn.execute(
        "DELETE FROM listing_components WHERE channel = $1 AND channel_sku = $2",
        listing.channel,
        listing.channel_sku,
    )
    await conn.executemany(
        "INSERT INTO listing_components (channel, channel_sku, sku, quantity) VALUES ($1, $2, $3, $4)",
        [
            (listing.channel, listing.channel_sku, sku, qty)
            for sku, qty in catalog.components(listing)
        ],
    )


async def listings_for(
    conn: asyncpg.Connection, channel: str, channel_skus: list[str]
) -> dict[str, Components]:
    rows = await conn.fetch(
        "SELECT channel_sku, sku, quantity FROM listing_components"
        " WHERE channel = $1 AND channel_sku = ANY($2::text[]) ORDER BY channel_sku, sku",
        channel,
        channel_skus,
    )
    found: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        found.setdefault(row["channel_sku"], []).append((row["sku"], row["quantity"]))
    return {channel_sku: tuple(parts) for channel_sku, parts in found.items()}


async def all_listings(conn: asyncpg.Connection, channel: str | None) -> list[asyncpg.Record]:
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT channel, channel_sku, array_agg(sku ORDER BY sku) AS skus,"
        " array_agg(quantity ORDER BY sku) AS quantities"
        " FROM listing_components WHERE $1::text IS NULL OR channel = $1"
        " GROUP BY channel, channel_sku ORDER BY channel, channel_sku",
        channel,
    )


async def put_item_listing(
    conn: asyncpg.Connection, channel: str, channel_item_id: str, components: Components
) -> None:
    """Create or replace the mapping of a channel's item id (a line without a seller SKU)."""
    await conn.execute(
        "DELETE FROM item_listings WHERE channel = $1 AND channel_item_id = $2",
        channel,
        channel_item_id,
    )
    await conn.executemany(
        "INSERT INTO item_listings (channel, channel_item_id, sku, quantity)"
        " VALUES ($1, $2, $3, $4)",
        [(channel, channel_item_id, sku, quantity) for sku, quantity in components],
    )


async def item_listings_for(
    conn: asyncpg.Connection, channel: str, channel_item_ids: list[str]
) -> dict[str, Components]:
    rows = await conn.fetch(
        "SELECT channel_item_id, sku, quantity FROM item_listings"
        " WHERE channel = $1 AND channel_item_id = ANY($2::text[])"
        " ORDER BY channel_item_id, sku",
        channel,
        channel_item_ids,
    )
    found: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        found.setdefault(row["channel_item_id"], []).append((row["sku"], row["quantity"]))
    return {item_id: tuple(parts) for item_id, parts in found.items()}


async def all_item_listings(conn: asyncpg.Connection, channel: str) -> list[asyncpg.Record]:
    return await conn.fetch(  # type: ignore[no-any-return]
        "SELECT channel, channel_item_id, array_agg(sku ORDER BY sku) AS skus,"
        " array_agg(quantity ORDER BY sku) AS quantities"
        " FROM item_listings WHERE channel = $1"
        " GROUP BY channel, channel_item_id ORDER BY channel_item_id",
        channel,
    )
