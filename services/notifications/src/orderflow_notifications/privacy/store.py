"""The SQL of notifications' privacy work: contacts and recipients emptied, the customer's
queued notifications given up on with a line in the delivery log."""

from datetime import datetime

import asyncpg

# Queued and not begun: after an erasure nothing may reach the customer any more.
_QUEUED = ("awaiting_contact", "pending")
_ERASED = "the customer's personal data was erased"


def _digest(text: str) -> str:
    """PostgreSQL's side of orderflow_contracts.privacy.email_digest."""
    return f"encode(sha256(convert_to(lower(btrim({text})), 'UTF8')), 'hex')"


async def erase_customer(
    conn: asyncpg.Connection, order_ids: list[str], digest: str
) -> dict[str, int]:
    """Empty the contacts and recipients of these orders and of that e-mail, give up on what is
    still queued for them, and forget the customer's own preferences."""
    contacts = await conn.fetch(
        "UPDATE contacts SET name = '', email = '' WHERE (order_id = ANY($1::text[])"
        f" OR {_digest('email')} = $2) AND (name <> '' OR email <> '') RETURNING order_id",
        order_ids,
        digest,
    )
    orders = sorted({*order_ids, *(row["order_id"] for row in contacts)})
    stopped = await _give_up_queued(conn, orders)
    recipients = await conn.fetchval(
        "WITH emptied AS (UPDATE notifications SET recipient = ''"
        f" WHERE (order_id = ANY($1::text[]) OR {_digest('recipient')} = $2) AND recipient <> ''"
        " RETURNING 1) SELECT count(*) FROM emptied",
        orders,
        digest,
    )
    preferences = await conn.fetchval(
        "WITH gone AS (DELETE FROM customer_preferences"
        f" WHERE {_digest('email')} = $1 RETURNING 1) SELECT count(*) FROM gone",
        digest,
    )
    return {
        "contacts": len(contacts),
        "recipients": recipients,
        "queued_stopped": stopped,
        "preferences": preferences,
    }


async def _give_up_queued(conn: asyncpg.Connection, order_ids: list[str]) -> int:
    return int(
        await conn.fetchval(
            "WITH stopped AS (UPDATE notifications SET status = 'unreachable',"
            " attempts = attempts + 1, recipient = ''"
            " WHERE order_id = ANY($1::text[]) AND status = ANY($2::text[])"
            " RETURNING id, attempts),"
            " logged AS (INSERT INTO delivery_log (notification_id, attempt, outcome, detail)"
            " SELECT id, attempts, 'unreachable', $3 FROM stopped RETURNING 1)"
            " SELECT count(*) FROM logged",
            order_ids,
            list(_QUEUED),
            _ERASED,
        )
    )


async def purge_settled(
    conn: asyncpg.Connection, settled_before: datetime, limit: int
) -> dict[str, int]:
    """Empty the contact and recipients of up to `limit` orders whose notifications are all
    settled (none queued or sending) and none newer than the cutoff, and of orders an erasure
    named whose contact arrived after it."""
    contacts = await conn.fetch(
        "WITH due AS (SELECT c.order_id FROM contacts c"
        "  WHERE (c.name <> '' OR c.email <> '')"
        "  AND (c.order_id IN (SELECT order_id FROM erased_orders) OR ("
        "   EXISTS (SELECT 1 FROM notifications n WHERE n.order_id = c.order_id)"
        "   AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.order_id = c.order_id"
        "    AND (n.status IN ('awaiting_contact', 'pending', 'sending') OR n.created_at >= $1))))"
        "  ORDER BY c.order_id LIMIT $2 FOR UPDATE OF c SKIP LOCKED)"
        " UPDATE contacts c SET name = '', email = '' FROM due WHERE c.order_id = due.order_id"
        " RETURNING c.order_id",
        settled_before,
        limit,
    )
    recipients = await conn.fetchval(
        "WITH emptied AS (UPDATE notifications SET recipient = ''"
        " WHERE order_id = ANY($1::text[]) AND recipient <> '' RETURNING 1)"
        " SELECT count(*) FROM emptied",
        [row["order_id"] for row in contacts],
    )
    # Only an erased order can still have news queued (its contact came after its erasure).
    stopped = await _give_up_queued(conn, [row["order_id"] for row in contacts])
    return {"contacts": len(contacts), "recipients": recipients, "queued_stopped": stopped}


async def remember_erased(conn: asyncpg.Connection, erasure_id: str, order_ids: list[str]) -> None:
    """The erasure's order ids, so what of them arrives later is erased too."""
    await conn.execute(
        "INSERT INTO erased_orders (order_id, erasure_id)"
        " SELECT unnest($1::text[]), $2 ON CONFLICT (order_id) DO NOTHING",
        order_ids,
        erasure_id,
    )
