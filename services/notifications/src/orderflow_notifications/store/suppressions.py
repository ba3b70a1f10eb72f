"""The suppression list: who unsubscribed, kept after their personal data was erased, so a
later order of theirs (re-imported, or a new one) does not bring the news they turned off. It
holds no address: only a keyed hash of it (unsubscribe.Links.email_key)."""

import asyncpg

from orderflow_notifications.preferences import Suppression


async def suppress(conn: asyncpg.Connection, email_key: str, kinds: list[str]) -> None:
    await conn.execute(
        "INSERT INTO suppressions AS s (email_key, kinds) VALUES ($1, $2::text[])"
        " ON CONFLICT (email_key) DO UPDATE SET kinds = ARRAY(SELECT DISTINCT k"
        "  FROM unnest(s.kinds || EXCLUDED.kinds) AS k ORDER BY k)",
        email_key,
        kinds,
    )


async def replace_suppression(conn: asyncpg.Connection, email_key: str, kinds: list[str]) -> None:
    """The entry now says exactly `kinds` (an operator's change of the customer's preferences);
    none: the entry goes."""
    if not kinds:
        await conn.execute("DELETE FROM suppressions WHERE email_key = $1", email_key)
        return
    await conn.execute(
        "INSERT INTO suppressions (email_key, kinds) VALUES ($1, $2::text[])"
        " ON CONFLICT (email_key) DO UPDATE SET kinds = EXCLUDED.kinds",
        email_key,
        kinds,
    )


async def suppressions(conn: asyncpg.Connection, email_keys: list[str]) -> dict[str, Suppression]:
    rows = await conn.fetch(
        "SELECT email_key, kinds, since FROM suppressions WHERE email_key = ANY($1::text[])",
        email_keys,
    )
    return {row["email_key"]: Suppression(frozenset(row["kinds"]), row["since"]) for row in rows}
