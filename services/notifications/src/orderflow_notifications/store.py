"""notifications' tables."""

from dataclasses import dataclass
from typing import Any

import asyncpg
from orderflow_contracts.order import CanonicalOrder

from orderflow_notifications.preferences import Hold


async def save_contacts(conn: asyncpg.Connection, orders: list[CanonicalOrder]) -> None:
    """Keep each order's contact, and release the notifications that were waiting for it."""
    columns = (
        [order.order_id for order in orders],
        [order.customer.name for order in orders],
        [order.customer.email for order in orders],
        [order.customer.language for order in orders],
        [order.channel for order in orders],
        [order.external_id for order in orders],
        [order.ship_to.country for order in orders],
        [order.deliver_by for order in orders],
    )
    await conn.execute(
        "INSERT INTO contacts (order_id, name, email, language, sales_channel, external_id,"
        " country, deliver_by)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
        "  $6::text[], $7::text[], $8::timestamptz[])"
        " ON CONFLICT (order_id) DO NOTHING",
        *columns,
    )
    await conn.execute(
        "UPDATE notifications n SET status = 'pending', recipient = c.email, language = c.language"
        " FROM contacts c WHERE c.order_id = n.order_id AND n.order_id = ANY($1::text[])"
        " AND n.status = 'awaiting_contact'",
        columns[0],
    )


async def known_orders(conn: asyncpg.Connection, order_ids: list[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT order_id FROM contacts WHERE order_id = ANY($1::text[])", order_ids
    )
    return {row["order_id"] for row in rows}


@dataclass(frozen=True)
class News:
    """Something to tell an order's customer: one notification per (shipment, kind)."""

    order_id: str
    shipment_id: str
    kind: str
    correlation_id: str
    carrier: str = ""
    tracking_number: str = ""


async def queue(
    conn: asyncpg.Connection, news: list[News], merge_window_s: float = 0
) -> list[tuple[str, str]]:
    """Queue one notification per shipment and kind, addressed if the contact is known (else it
    awaits it), due after `merge_window_s` so that news of the same order within it goes out
    as one message; returns the (shipment, kind) pairs queued now."""
    rows = await conn.fetch(
        "INSERT INTO notifications (order_id, shipment_id, kind, tracking_number, carrier, status,"
        " recipient, language, correlation_id, next_attempt_at)"
        " SELECT e.order_id, e.shipment_id, e.kind, e.tracking_number, e.carrier,"
        "  CASE WHEN c.order_id IS NULL THEN 'awaiting_contact' ELSE 'pending' END,"
        "  coalesce(c.email, ''), coalesce(c.language, ''), e.correlation_id,"
        "  now() + make_interval(secs => $7)"
        " FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])"
        "  WITH ORDINALITY AS e(order_id, shipment_id, kind, tracking_number, carrier, correlation_id, n)"
        " LEFT JOIN contacts c USING (order_id) ORDER BY e.n"
        " ON CONFLICT (shipment_id, kind) DO NOTHING RETURNING shipment_id, kind",
        [item.order_id for item in news],
        [item.shipment_id for item in news],
        [item.kind for item in news],
        [item.tracking_number for item in news],
        [item.carrier for item in news],
        [item.correlation_id for item in news],
        merge_window_s,
    )
    return [(row["shipment_id"], row["kind"]) for row in rows]


async def confirm_channels(conn: asyncpg.Connection) -> frozenset[str]:
    """The sales channels whose buyers hear 'confirmed' (the seller's choice)."""
    return frozenset(await conn.fetchval("SELECT confirm_channels FROM seller_preferences") or ())


async def lease_due(
    conn: asyncpg.Connection, limit: int, lease_s: float, bursts: bool = False
) -> list[asyncpg.Record]:
    """What is due, oldest first, held for one sending round: it stays 'pending' but is not due
    again for `lease_s`, so a round that dies before it begins a message leaves it to the next.
    With `bursts`, the news of the same orders not yet due and never tried comes along, to go
    out in the same message. Each row carries its contact, the customer's preferences and the seller's."""
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
        " RETURNING n.*, c.name, c.sales_channel, c.external_id, c.country, t.due_at,"
        "  p.opted_out, p.kinds_off, p.time_zone, p.quiet_from, p.quiet_until,"
        "  s.quiet_from AS seller_quiet_from, s.quiet_until AS seller_quiet_until",
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
    """Outcomes of messages marked 'sending': two statements however many."""
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
        [a.detail[:2000] for a in attempts],
    )


async def notifications(
    conn: asyncpg.Connection,
    *,
    order_id: str | None = None,
    status: str | None = None,
    limit: int = 500,
) -> list[asyncpg.Record]:
    return list(
        await conn.fetch(
            "SELECT id, order_id, shipment_id, kind, status, channel, recipient, language, attempts,"
            " correlation_id, created_at, sent_at FROM notifications"
            " WHERE ($1::text IS NULL OR order_id = $1) AND ($2::text IS NULL OR status = $2)"
            " ORDER BY id DESC LIMIT $3",
            order_id,
            status,
            limit,
        )
    )


async def delivery_logs(
    conn: asyncpg.Connection, notification_ids: list[int]
) -> dict[int, list[asyncpg.Record]]:
    rows = await conn.fetch(
        "SELECT notification_id, attempt, outcome, detail, at FROM delivery_log"
        " WHERE notification_id = ANY($1::bigint[]) ORDER BY attempt",
        notification_ids,
    )
    logs: dict[int, list[asyncpg.Record]] = {}
    for row in rows:
        logs.setdefault(row["notification_id"], []).append(row)
    return logs


async def summary(conn: asyncpg.Connection) -> tuple[dict[str, int], dict[str, int]]:
    """Counts by status, and the notifications given up on (failed, unconfirmed, unreachable) by
    the error class of their last attempt (`NoAddress(...)` counts as NoAddress)."""
    by_status = await conn.fetch("SELECT status, count(*) AS n FROM notifications GROUP BY status")
    by_reason = await conn.fetch(
        "SELECT CASE WHEN n.status = 'unconfirmed' THEN 'unconfirmed'"
        "  ELSE coalesce(nullif(split_part(last.detail, '(', 1), ''), 'unknown') END AS reason,"
        " count(*) AS n FROM notifications n"
        " LEFT JOIN LATERAL (SELECT detail FROM delivery_log d WHERE d.notification_id = n.id"
        "  ORDER BY attempt DESC LIMIT 1) last ON true"
        " WHERE n.status IN ('failed', 'unconfirmed', 'unreachable') GROUP BY 1"
    )
    return (
        {row["status"]: row["n"] for row in by_status},
        {row["reason"]: row["n"] for row in by_reason},
    )


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


async def seller_preferences(conn: asyncpg.Connection) -> asyncpg.Record:
    return await conn.fetchrow(
        "SELECT confirm_channels, quiet_from, quiet_until, updated_at, updated_by"
        " FROM seller_preferences"
    )


async def set_seller_preferences(
    conn: asyncpg.Connection, wanted: dict[str, Any], actor: str
) -> asyncpg.Record:
    return await conn.fetchrow(
        "UPDATE seller_preferences SET confirm_channels = $1, quiet_from = $2, quiet_until = $3,"
        " updated_by = $4, updated_at = now()"
        " RETURNING confirm_channels, quiet_from, quiet_until, updated_at, updated_by",
        wanted["confirm_channels"],
        wanted["quiet_from"],
        wanted["quiet_until"],
        actor,
    )


@dataclass(frozen=True)
class Departure:
    shipment_id: str
    order_id: str
    carrier: str
    tracking_number: str
    correlation_id: str


async def note_transits(
    conn: asyncpg.Connection, departed: list[Departure], arrived: list[str]
) -> None:
    """Shipments that left and shipments that arrived, now: each lane's transit times."""
    await conn.execute(
        "INSERT INTO transits (shipment_id, order_id, carrier, tracking_number, correlation_id)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])"
        " ON CONFLICT (shipment_id) DO NOTHING",
        [d.shipment_id for d in departed],
        [d.order_id for d in departed],
        [d.carrier for d in departed],
        [d.tracking_number for d in departed],
        [d.correlation_id for d in departed],
    )
    await conn.execute(
        "UPDATE transits SET delivered_at = now()"
        " WHERE shipment_id = ANY($1::text[]) AND delivered_at IS NULL",
        arrived,
    )


async def predicted_late(
    conn: asyncpg.Connection, quantile: float, min_samples: int, history_days: float
) -> list[asyncpg.Record]:
    """Shipments on their way whose lane's `quantile` transit (over its deliveries of the last
    `history_days`, if at least `min_samples`) brings them after their order's promise, while
    the promise still lies ahead, and whose customer has not heard of a delay yet."""
    return list(
        await conn.fetch(
            "WITH lanes AS (SELECT t.carrier, c.country, count(*) AS samples,"
            "  percentile_cont($1) WITHIN GROUP"
            "   (ORDER BY extract(epoch FROM t.delivered_at - t.shipped_at)) AS transit_s"
            "  FROM transits t JOIN contacts c USING (order_id)"
            "  WHERE t.delivered_at > now() - make_interval(secs => $3::float8 * 86400)"
            "  GROUP BY 1, 2 HAVING count(*) >= $2)"
            " SELECT t.*, c.deliver_by, l.samples, l.transit_s,"
            "  t.shipped_at + make_interval(secs => l.transit_s) AS expected_by"
            " FROM transits t JOIN contacts c USING (order_id)"
            " JOIN lanes l ON l.carrier = t.carrier AND l.country = c.country"
            " WHERE t.delivered_at IS NULL AND c.deliver_by > now()"
            "  AND t.shipped_at + make_interval(secs => l.transit_s) > c.deliver_by"
            "  AND NOT EXISTS (SELECT 1 FROM notifications n"
            "   WHERE n.shipment_id = t.shipment_id AND n.kind = 'delayed')",
            quantile,
            min_samples,
            history_days,
        )
    )


async def kpi_figures(conn: asyncpg.Connection, hours: float) -> asyncpg.Record:
    """Notifications queued in the last `hours`: by outcome, and the time from queued to told."""
    return await conn.fetchrow(
        "SELECT count(*) AS queued,"
        " count(*) FILTER (WHERE status = 'sent') AS sent,"
        " count(*) FILTER (WHERE status = 'unreachable') AS unreachable,"
        " count(*) FILTER (WHERE status IN ('failed', 'unconfirmed')) AS failed,"
        " count(*) FILTER (WHERE status = 'suppressed') AS suppressed,"
        " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at))"
        "  AS told_p50_s,"
        " percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM sent_at - created_at))"
        "  AS told_p90_s"
        " FROM notifications WHERE created_at > now() - make_interval(secs => $1::float8 * 3600)",
        hours,
    )
