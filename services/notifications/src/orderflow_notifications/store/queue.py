"""The notifications queue: what to tell, leased by sending rounds, held back, sent at
most once, and the log of every attempt."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import asyncpg
from orderflow_runtime.logs import mask_emails

from orderflow_notifications.preferences import Hold


@dataclass(frozen=True)
class News:
    """Something to tell an order's customer: one notification per (shipment, kind)."""

    order_id: str
    shipment_id: str
    kind: str
    correlation_id: str
    carrier: str = ""
    tracking_number: str = ""
    eta: tuple[datetime, datetime] | None = None  # expected between these, where it is known
    amount: Decimal | None = None  # what a refund gave back, where the channel told it
    currency: str = ""


async def queue(
    conn: asyncpg.Connection, news: list[News], merge_window_s: float = 0
) -> list[tuple[str, str]]:
    """Queue one notification per shipment and kind, addressed if the contact is known (else it
    awaits it), due after `merge_window_s` so that news of the same order within it goes out
    as one message; returns the (shipment, kind) pairs queued now."""
    rows = await conn.fetch(
        "INSERT INTO notifications (order_id, shipment_id, kind, tracking_number, carrier, status,"
        " recipient, language, correlation_id, next_attempt_at, eta_first, eta_last, amount,"
        " currency)"
        " SELECT e.order_id, e.shipment_id, e.kind, e.tracking_number, e.carrier,"
        "  CASE WHEN c.order_id IS NULL THEN 'awaiting_contact' ELSE 'pending' END,"
        "  coalesce(c.email, ''), coalesce(c.language, ''), e.correlation_id,"
        "  now() + make_interval(secs => $7), e.eta_first, e.eta_last, e.amount, e.currency"
        " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],"
        "  $8::timestamptz[], $9::timestamptz[], $10::numeric[], $11::text[]) WITH ORDINALITY"
        "  AS e(order_id, shipment_id, kind, tracking_number, carrier, correlation_id, eta_first,"
        "   eta_last, amount, currency, n)"
        " LEFT JOIN contacts c USING (order_id) ORDER BY e.n"
        " ON CONFLICT (shipment_id, kind) DO NOTHING RETURNING shipment_id, kind",
        [item.order_id for item in news],
        [item.shipment_id for item in news],
        [item.kind for item in news],
        [item.tracking_number for item in news],
        [item.carrier for item in news],
        [item.correlation_id for item in news],
        merge_window_s,
        [item.eta[0] if item.eta else None for item in news],
        [item.eta[1] if item.eta else None for item in news],
        [item.amount for item in news],
        [item.currency for item in news],
    )
    return [(row["shipment_id"], row["kind"]) for row in rows]


REFUND_KINDS = ["refunded", "partially_refunded"]
SUPERSEDED = "told with the refund itself, which says what it gave back"


async def refunds_told_one_by_one(conn: asyncpg.Connection, order_ids: list[str]) -> set[str]:
    """Those of `order_ids` whose customer has a notification of a refund the channel named."""
    rows = await conn.fetch(
        "SELECT DISTINCT order_id FROM notifications WHERE order_id = ANY($1::text[])"
        " AND kind = ANY($2::text[]) AND shipment_id <> order_id",
        order_ids,
        REFUND_KINDS,
    )
    return {row["order_id"] for row in rows}


async def supersede_refund_statuses(conn: asyncpg.Connection, order_ids: list[str]) -> None:
    """A refund status ("partially refunded") still waiting, never tried, says less than the
    refund the channel named since: suppressed, with why in the log."""
    await conn.execute(
        "WITH held AS (UPDATE notifications SET status = 'suppressed', attempts = attempts + 1"
        "  WHERE order_id = ANY($1::text[]) AND shipment_id = order_id"
        "  AND kind = ANY($2::text[]) AND status IN ('pending', 'awaiting_contact')"
        "  AND attempts = 0 RETURNING id, attempts)"
        " INSERT INTO delivery_log (notification_id, attempt, outcome, detail)"
        " SELECT id, attempts, 'suppressed', $3 FROM held",
        order_ids,
        REFUND_KINDS,
        SUPERSEDED,
    )


async def shipped_orders(conn: asyncpg.Connection, order_ids: list[str]) -> set[str]:
    """Those of `order_ids` of which a parcel left."""
    rows = await conn.fetch(
        "SELECT DISTINCT order_id FROM transits WHERE order_id = ANY($1::text[])", order_ids
    )
    return {row["order_id"] for row in rows}


async def told_of(conn: asyncpg.Connection, shipment_ids: list[str], kind: str) -> set[str]:
    """Those of `shipment_ids` whose customer has a notification of `kind`, in any state."""
    rows = await conn.fetch(
        "SELECT shipment_id FROM notifications WHERE shipment_id = ANY($1::text[]) AND kind = $2",
        shipment_ids,
        kind,
    )
    return {row["shipment_id"] for row in rows}


async def lease_due(
    conn: asyncpg.Connection, limit: int, lease_s: float, bursts: bool = False
) -> list[asyncpg.Record]:
    """What is due, oldest first, held for one sending round: it stays 'pending' but is not due
    again for `lease_s`, so a round that dies before it begins a message leaves it to the next.
    With `bursts`, the news of the same orders not yet due and never tried comes along, to go
    out in the same message. Each row carries its contact, the customer's preferences and the
    seller's, and the seller's return portal for the order's sales channel, if any."""
    rows = await conn.fetch(
        "WITH due AS (SELECT id, order_id, next_attempt_at AS due_at FROM notifications"
        "  WHERE status = 'pending' AND next_attempt_at <= now()"
        "  ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED),"
        " burst AS (SELECT id, order_id, next_attempt_at AS due_at FROM notifications"
        "  WHERE $3 AND status = 'pending' AND attempts = 0"
        "  AND order_id IN (SELECT order_id FROM due) AND id NOT IN (SELECT id FROM due)"
        "  FOR UPDATE SKIP LOCKED),"
        " taken AS (SELECT * FROM due UNION ALL SELECT * FROM burst)"
        " UPDATE notifications n SET next_attempt_at = now() + make_interval(secs => $2)"
        " FROM taken t JOIN contacts c ON c.order_id = t.order_id"
        "  LEFT JOIN customer_preferences p ON c.email <> '' AND p.email = lower(c.email)"
        "  CROSS JOIN seller_preferences s"
        " WHERE n.id = t.id"
        " RETURNING n.*, c.name, c.sales_channel, c.external_id, c.country, c.unsubscribed_at,"
        "  t.due_at,"
        "  p.opted_out, p.kinds_off, p.time_zone, p.quiet_from, p.quiet_until,"
        "  s.quiet_from AS seller_quiet_from, s.quiet_until AS seller_quiet_until,"
        "  coalesce(s.return_urls ->> c.sales_channel, s.return_urls ->> '*', '') AS return_url_template",
        limit,
        lease_s,
        bursts,
    )
    return sorted(rows, key=lambda row: (row["due_at"], row["id"]))


async def mark_sending(conn: asyncpg.Connection, notification_ids: list[int]) -> set[int]:
    """Committed just before their message goes out: after a crash, a row still 'sending' may
    have been sent. Returns those marked: another round may have taken some first."""
    rows = await conn.fetch(
        "UPDATE notifications SET status = 'sending', sending_since = now()"
        " WHERE id = ANY($1::bigint[]) AND status = 'pending' RETURNING id",
        notification_ids,
    )
    return {row["id"] for row in rows}


async def hold(conn: asyncpg.Connection, holds: list[Hold]) -> None:
    """Notifications not sent now: suppressed ones for good with their reason in the log,
    postponed ones due again when their quiet hours end."""
    suppressed = [h for h in holds if h.until is None]
    postponed = [h for h in holds if h.until is not None]
    await conn.execute(
        "UPDATE notifications n SET next_attempt_at = h.until"
        " FROM unnest($1::bigint[], $2::timestamptz[]) AS h(id, until) WHERE n.id = h.id",
        [h.notification_id for h in postponed],
        [h.until for h in postponed],
    )
    await conn.execute(
        "WITH held AS (UPDATE notifications n SET status = 'suppressed', attempts = h.attempt"
        "  FROM unnest($1::bigint[], $2::int[]) AS h(id, attempt)"
        "  WHERE n.id = h.id AND n.status = 'pending' RETURNING n.id, h.attempt)"
        " INSERT INTO delivery_log (notification_id, attempt, outcome, detail)"
        " SELECT held.id, held.attempt, 'suppressed', r.reason FROM held"
        " JOIN unnest($1::bigint[], $3::text[]) AS r(id, reason) ON r.id = held.id",
        [h.notification_id for h in suppressed],
        [h.attempt for h in suppressed],
        [h.reason for h in suppressed],
    )


async def give_up_unconfirmed(conn: asyncpg.Connection, lease_s: float) -> int:
    """Notifications left 'sending' longer than `lease_s`: their sender died after claiming
    them, maybe after the mail went out. They are not sent again, and each gets its log line in
    the same statement; returns how many."""
    return int(
        await conn.fetchval(
            "WITH given_up AS (UPDATE notifications SET status = 'unconfirmed'"
            "  WHERE status = 'sending' AND sending_since < now() - make_interval(secs => $1)"
            "  RETURNING id, attempts),"
            " logged AS (INSERT INTO delivery_log (notification_id, attempt, outcome, detail)"
            "  SELECT id, attempts + 1, 'unconfirmed', $2 FROM given_up ON CONFLICT DO NOTHING)"
            " SELECT count(*) FROM given_up",
            lease_s,
            "the sender stopped while sending: the mail may have gone out, so it is not sent again",
        )
    )


@dataclass(frozen=True)
class Attempt:
    notification_id: int
    attempt: int
    sent: bool
    gave_up: bool
    detail: str
    retry_in_s: float
    channel: str = ""
    no_channel: bool = False  # nothing reaches the customer: 'unreachable', never retried

    @property
    def status(self) -> str:
        if self.sent:
            return "sent"
        if self.no_channel:
            return "unreachable"
        return "failed" if self.gave_up else "pending"

    @property
    def outcome(self) -> str:
        return "sent" if self.sent else ("unreachable" if self.no_channel else "failed")


async def record_attempts(conn: asyncpg.Connection, attempts: list[Attempt]) -> None:
    """Outcomes of messages marked 'sending': two statements however many. The log's details
    carry no e-mail address."""
    if not attempts:
        return
    await conn.execute(
        "UPDATE notifications n SET status = a.status, attempts = a.attempt, channel = a.channel,"
        " sent_at = CASE WHEN a.status = 'sent' THEN now() END,"
        " next_attempt_at = now() + make_interval(secs => a.retry_in_s)"
        " FROM unnest($1::bigint[], $2::text[], $3::int[], $4::float8[], $5::text[])"
        "  AS a(id, status, attempt, retry_in_s, channel)"
        " WHERE n.id = a.id AND n.status = 'sending'",
        [a.notification_id for a in attempts],
        [a.status for a in attempts],
        [a.attempt for a in attempts],
        [a.retry_in_s for a in attempts],
        [a.channel for a in attempts],
    )
    await conn.execute(
        "INSERT INTO delivery_log (notification_id, attempt, outcome, detail)"
        " SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[])",
        [a.notification_id for a in attempts],
        [a.attempt for a in attempts],
        [a.outcome for a in attempts],
        [_without_emails(a.detail[:2000]) for a in attempts],
    )


def _without_emails(detail: str) -> str:
    """A mail server's refusal quotes the address (550 <ana@example.com>: no such user): the
    log keeps the reason, not the address, which no erasure or purge would reach there."""
    return str(mask_emails(None, "", {"detail": detail})["detail"])
