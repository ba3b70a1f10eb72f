"""What inventory knows of the seller: products, locations, channel policies and the channels
the seller lists products on, loaded from the seller setup at start and extendable through the
API."""

from collections.abc import Sequence

import asyncpg
from orderflow_contracts.setup import ChannelPolicy, LeadTime, Location, Product, SellerSetup


async def load_setup(conn: asyncpg.Connection, setup: SellerSetup) -> None:
    for product in setup.products:
        await save_product(conn, product)
    for location in setup.locations:
        await save_location(conn, location)
    for policy in setup.channels:
        await save_policy(conn, policy)
    await conn.execute(
        "INSERT INTO listed_channels (channel) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
        sorted({listing.channel for listing in setup.listings}),
    )


async def save_product(conn: asyncpg.Connection, product: Product) -> None:
    await conn.execute(
        "INSERT INTO products (sku, tier, lead_time_avg_days, lead_time_max_days)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (sku) DO UPDATE SET tier = EXCLUDED.tier,"
        " lead_time_avg_days = EXCLUDED.lead_time_avg_days,"
        " lead_time_max_days = EXCLUDED.lead_time_max_days",
        product.sku,
        product.tier,
        product.lead_time.average_days,
        product.lead_time.longest_days,
    )


async def add_product(conn: asyncpg.Connection, product: Product) -> bool:
    """A product another service defined: its tier and lead time only start a SKU inventory does
    not know; one it knows keeps its own (set on inventory's API or its setup). True: added."""
    added = await conn.fetchval(
        "INSERT INTO products (sku, tier, lead_time_avg_days, lead_time_max_days)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (sku) DO NOTHING RETURNING true",
        product.sku,
        product.tier,
        product.lead_time.average_days,
        product.lead_time.longest_days,
    )
    return bool(added)


async def save_location(conn: asyncpg.Connection, location: Location) -> None:
    await conn.execute(
        "INSERT INTO locations (location_id, kind, country, channels) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (location_id) DO UPDATE SET kind = EXCLUDED.kind,"
        " country = EXCLUDED.country, channels = EXCLUDED.channels",
        location.location_id,
        location.kind,
        location.country,
        list(location.channels),
    )


async def save_policy(conn: asyncpg.Connection, policy: ChannelPolicy) -> None:
    await conn.execute(
        "INSERT INTO channel_policies (channel, shortage, buffer_units, buffer_percent)"
        " VALUES ($1, $2, $3, $4) ON CONFLICT (channel) DO UPDATE SET"
        " shortage = EXCLUDED.shortage, buffer_units = EXCLUDED.buffer_units,"
        " buffer_percent = EXCLUDED.buffer_percent",
        policy.channel,
        policy.shortage,
        policy.buffer_units,
        policy.buffer_percent,
    )


async def products(conn: asyncpg.Connection, skus: Sequence[str]) -> dict[str, Product]:
    rows = await conn.fetch(
        "SELECT sku, tier, lead_time_avg_days, lead_time_max_days FROM products"
        " WHERE sku = ANY($1::text[])",
        list(skus),
    )
    return {row["sku"]: product_of(row) for row in rows}


def product_of(row: asyncpg.Record) -> Product:
    """A row with a product's sku, tier, lead_time_avg_days and lead_time_max_days."""
    return Product(
        sku=row["sku"],
        weight_grams=1,  # inventory does not weigh; routing does
        tier=row["tier"],
        lead_time=LeadTime(
            average_days=row["lead_time_avg_days"], longest_days=row["lead_time_max_days"]
        ),
    )


async def locations(conn: asyncpg.Connection) -> dict[str, Location]:
    rows = await conn.fetch("SELECT location_id, kind, country, channels FROM locations")
    return {
        row["location_id"]: Location(
            location_id=row["location_id"],
            kind=row["kind"],
            country=row["country"],
            channels=tuple(row["channels"]),
        )
        for row in rows
    }


async def policies(conn: asyncpg.Connection) -> dict[str, ChannelPolicy]:
    rows = await conn.fetch(
        "SELECT channel, shortage, buffer_units, buffer_percent FROM channel_policies"
    )
    return {row["channel"]: ChannelPolicy(**dict(row)) for row in rows}


async def policies_of_known_channels(conn: asyncpg.Connection) -> list[ChannelPolicy]:
    """A policy for every channel inventory knows of, by name: the channels with a policy, those
    a location serves, and those the seller setup lists products on. A channel without a policy
    of its own gets the default one (no buffer), so it still sees its stock."""
    rows = await conn.fetch(
        "SELECT channel, p.shortage, p.buffer_units, p.buffer_percent FROM ("
        "  SELECT channel FROM channel_policies"
        "  UNION SELECT unnest(channels) FROM locations"
        "  UNION SELECT channel FROM listed_channels) known"
        " LEFT JOIN channel_policies p USING (channel) ORDER BY channel"
    )
    return [
        ChannelPolicy(**{field: value for field, value in row.items() if value is not None})
        for row in rows
    ]


async def unknown_reason(conn: asyncpg.Connection, sku: str, location_id: str) -> str | None:
    known = await conn.fetchrow(
        "SELECT EXISTS (SELECT 1 FROM products WHERE sku = $1) AS sku,"
        " EXISTS (SELECT 1 FROM locations WHERE location_id = $2) AS location",
        sku,
        location_id,
    )
    if not known["sku"]:
        return "unknown_sku"
    if not known["location"]:
        return "unknown_location"
    return None
