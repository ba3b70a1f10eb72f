"""What customers and the seller want to hear, and when."""

import json
from typing import Any

import asyncpg


async def confirm_channels(conn: asyncpg.Connection) -> frozenset[str]:
    """The sales channels whose buyers hear 'confirmed' (the seller's choice)."""
    return frozenset(await conn.fetchval("SELECT confirm_channels FROM seller_preferences") or ())


async def customer_preferences(conn: asyncpg.Connection, email: str) -> asyncpg.Record | None:
    return await conn.fetchrow("SELECT * FROM customer_preferences WHERE email = lower($1)", email)


async def set_customer_preferences(
    conn: asyncpg.Connection, email: str, wanted: dict[str, Any], actor: str
) -> asyncpg.Record:
    return await conn.fetchrow(
        "INSERT INTO customer_preferences AS p (email, opted_out, kinds_off, time_zone,"
        " quiet_from, quiet_until, updated_by) VALUES (lower($1), $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (email) DO UPDATE SET opted_out = $2, kinds_off = $3, time_zone = $4,"
        "  quiet_from = $5, quiet_until = $6, updated_by = $7, updated_at = now()"
        " RETURNING *",
        email,
        wanted["opted_out"],
        wanted["kinds_off"],
        wanted["time_zone"],
        wanted["quiet_from"],
        wanted["quiet_until"],
        actor,
    )


async def seller_preferences(conn: asyncpg.Connection) -> dict[str, Any]:
    row = await conn.fetchrow(f"SELECT {_SELLER_COLUMNS} FROM seller_preferences")
    return _seller(row)


async def set_seller_preferences(
    conn: asyncpg.Connection, wanted: dict[str, Any], actor: str
) -> dict[str, Any]:
    row = await conn.fetchrow(
        "UPDATE seller_preferences SET confirm_channels = $1, quiet_from = $2, quiet_until = $3,"
        " return_urls = $4::jsonb, updated_by = $5, updated_at = now()"
        f" RETURNING {_SELLER_COLUMNS}",
        wanted["confirm_channels"],
        wanted["quiet_from"],
        wanted["quiet_until"],
        json.dumps(wanted["return_urls"]),
        actor,
    )
    return _seller(row)


_SELLER_COLUMNS = (
    "confirm_channels, quiet_from, quiet_until, return_urls::text, updated_at, updated_by"
)


def _seller(row: asyncpg.Record) -> dict[str, Any]:
    return dict(row) | {"return_urls": json.loads(row["return_urls"])}


async def unsubscribe(
    conn: asyncpg.Connection, order_id: str, kinds: list[str], actor: str
) -> tuple[bool, bool, str]:
    """The order's customer unsubscribed from `kinds`: the order's contact records when (first
    time only), and a customer with an e-mail has them off for their other orders too. Returns
    (the order is known, the customer's e-mail preferences were changed, the contact's e-mail:
    empty where the marketplace hides it)."""
    row = await conn.fetchrow(
        "WITH contact AS (UPDATE contacts SET unsubscribed_at = coalesce(unsubscribed_at, now())"
        "  WHERE order_id = $1 RETURNING email),"
        " customer AS (INSERT INTO customer_preferences AS p (email, kinds_off, updated_by)"
        "  SELECT lower(email), $2::text[], $3 FROM contact WHERE email <> ''"
        "  ON CONFLICT (email) DO UPDATE SET updated_by = EXCLUDED.updated_by,"
        "   updated_at = now(), kinds_off = ARRAY(SELECT DISTINCT k"
        "    FROM unnest(p.kinds_off || EXCLUDED.kinds_off) AS k ORDER BY k)"
        "  RETURNING email)"
        " SELECT (SELECT count(*) FROM contact) AS orders,"
        "  (SELECT count(*) FROM customer) AS customers,"
        "  (SELECT coalesce(min(email), '') FROM contact) AS email",
        order_id,
        kinds,
        actor,
    )
    return bool(row["orders"]), bool(row["customers"]), str(row["email"])
