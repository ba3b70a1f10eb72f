"""The refunds channels report, kept until they are told on (told_at)."""

from dataclasses import dataclass
from decimal import Decimal

import asyncpg


@dataclass(frozen=True)
class Refund:
    """One refund: `key` is the channel's refund id, or 'status:<word>' for a refund status;
    `partial` None until worked out from the order's total."""

    key: str
    partial: bool | None
    refund_id: str = ""
    amount: Decimal | None = None
    currency: str = ""
    status: str = ""


async def record_refund(
    conn: asyncpg.Connection, channel: str, external_id: str, refund: Refund
) -> bool:
    """False when the channel told this refund before."""
    inserted = await conn.fetchval(
        "INSERT INTO refunds (channel, external_id, refund_key, refund_id, partial, amount,"
        " currency, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        " ON CONFLICT DO NOTHING RETURNING true",
        channel,
        external_id,
        refund.key,
        refund.refund_id,
        refund.partial,
        refund.amount,
        refund.currency,
        refund.status,
    )
    return bool(inserted)


async def waiting_refunds(conn: asyncpg.Connection, channel: str, external_id: str) -> list[Refund]:
    """The order's refunds not told on yet, oldest first, locked until told."""
    rows = await conn.fetch(
        "SELECT refund_key, partial, refund_id, amount, currency, status FROM refunds"
        " WHERE channel = $1 AND external_id = $2 AND told_at IS NULL"
        " ORDER BY received_at, refund_key FOR UPDATE",
        channel,
        external_id,
    )
    return [
        Refund(
            row["refund_key"],
            row["partial"],
            row["refund_id"],
            row["amount"],
            row["currency"],
            row["status"],
        )
        for row in rows
    ]


async def refunded_so_far(
    conn: asyncpg.Connection, channel: str, external_id: str, currency: str
) -> Decimal:
    """What the order's refunds told on so far gave back, in `currency`."""
    total = await conn.fetchval(
        "SELECT coalesce(sum(amount), 0) FROM refunds WHERE channel = $1 AND external_id = $2"
        " AND told_at IS NOT NULL AND refund_id <> '' AND currency = $3",
        channel,
        external_id,
        currency,
    )
    return Decimal(total)


async def mark_told(
    conn: asyncpg.Connection, channel: str, external_id: str, keys: list[str]
) -> None:
    await conn.execute(
        "UPDATE refunds SET told_at = now()"
        " WHERE channel = $1 AND external_id = $2 AND refund_key = ANY($3::text[])",
        channel,
        external_id,
        keys,
    )
