"""Sends queued notifications, by e-mail over SMTP or, where the marketplace hides the buyer's
e-mail, by the seller's signed webhook, with retries and a delivery log, at most once each: a
notification is marked 'sending' and committed just before its mail goes out, and one a dead
sender left 'sending' is never sent again (`store.give_up_unconfirmed`). A sender killed
mid-round leaves in doubt what it sent and the mail in flight on each SMTP session; what it
had taken but not begun goes out in a later round. Its Message-ID is stable too."""

import asyncio
import contextlib
import zlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosmtplib
import asyncpg
import structlog
from orderflow_contracts import topics
from orderflow_contracts.notifications import CustomerNotified, CustomerUnreachable
from orderflow_runtime import RunningService, UnitOfWork, outbox
from orderflow_runtime.db import close_broken, transaction
from orderflow_runtime.errors import INFRASTRUCTURE_ERRORS

from orderflow_notifications import preferences, store, templates
from orderflow_notifications.config import Settings
from orderflow_notifications.mail import MailSession
from orderflow_notifications.outgoing import (
    NoAddress,
    build_email,
    channel_for,
    compose,
    webhook_body,
)
from orderflow_notifications.unsubscribe import Links
from orderflow_notifications.webhook import WebhookPoster, WebhookRefused

log = structlog.get_logger()


async def send_due(
    pool: asyncpg.Pool,
    settings: Settings,
    sessions: list[MailSession],
    limit: int = 50,
    catalog: templates.Catalog = templates.PACKAGED,
    webhook: WebhookPoster | None = None,
) -> int:
    """Send what is due over the sessions at once, an order's messages in one session and in
    order. Each message commits 'sending' just before it goes out; the outcomes, their log and
    the CustomerNotified events commit together after the last. A crash leaves the messages
    sent or in flight in doubt, and those never begun to a later round. (Full lifecycle, one
    run each: 77 orders/s marking a whole round 'sending' at once, 34 marking and recording
    each message on its own, 61 with this.) A round that fails before its outcomes commit (its
    connection cut, PostgreSQL restarted) still records what it knows went out, on another
    connection, so a database blip leaves in doubt only the mails in flight, as a crash does."""
    attempts: list[store.Attempt] = []  # each mail's outcome as soon as it is known
    unit: UnitOfWork | None = None
    links = settings.unsubscribe_links()
    async with pool.acquire() as conn:
        try:
            async with conn.transaction():
                leased = await store.lease_due(
                    conn, limit, settings.round_lease_s, bursts=settings.merge_window_s > 0
                )
                rows = await _hold_back(conn, leased, links)
            if not rows:
                return len(leased)
            unit = UnitOfWork(conn, "notifications")
            round_ = Round(conn, asyncio.Lock(), settings, catalog, unit, webhook, links)
            lanes: list[list[asyncpg.Record]] = [[] for _ in sessions]
            for row in rows:
                lanes[zlib.crc32(row["order_id"].encode()) % len(lanes)].append(row)
            outcomes = await asyncio.gather(
                *(
                    _send_lane(round_, lane, session, attempts)
                    for lane, session in zip(lanes, sessions, strict=True)
                    if lane
                ),
                return_exceptions=True,  # no lane may outlive the round on its connection
            )
            if failures := [error for error in outcomes if isinstance(error, BaseException)]:
                raise failures[0]
            async with conn.transaction():
                await _record(conn, attempts, unit)
        except Exception as error:
            if isinstance(error, INFRASTRUCTURE_ERRORS):
                close_broken(conn)  # a connection cut mid-round must not go back to the pool
            if unit is not None and attempts:
                await _record_elsewhere(pool, attempts, unit)
            raise
    return len(leased)


async def _hold_back(
    conn: asyncpg.Connection, rows: list[asyncpg.Record], links: Links
) -> list[asyncpg.Record]:
    """The rows to send now: those the customer opted out of (their preferences, or the
    suppression list, which outlives an erasure) are suppressed, those in their quiet hours wait
    for the end of them."""
    now = datetime.now(UTC)
    keys = {row["id"]: links.email_key(row["recipient"]) for row in rows if row["recipient"]}
    listed = await store.suppressions(conn, sorted(set(keys.values()))) if keys else {}
    holds = [
        hold
        for row in rows
        if (hold := preferences.hold_for(row, now, listed.get(keys.get(row["id"], ""))))
    ]
    if not holds:
        return rows
    await store.hold(conn, holds)
    held = {hold.notification_id for hold in holds}
    return [row for row in rows if row["id"] not in held]


async def _record(
    conn: asyncpg.Connection, attempts: list[store.Attempt], unit: UnitOfWork
) -> None:
    await store.record_attempts(conn, attempts)
    await outbox.write(conn, unit.outgoing)


RECORD_RETRIES_S = (0.2, 0.5, 1, 2, 4, 8, 15)  # ~30 s: a PostgreSQL restarting comes back


async def _record_elsewhere(
    pool: asyncpg.Pool, attempts: list[store.Attempt], unit: UnitOfWork
) -> None:
    """The outcomes of a round whose connection failed, on a new one, retried while the
    database cannot be reached; given up after that (they stay 'sending', then 'unconfirmed')."""
    for pause_s in (*RECORD_RETRIES_S, None):
        try:
            async with transaction(pool) as conn:
                await _record(conn, attempts, unit)
            log.warning("notification.round_recorded_after_failure", attempts=len(attempts))
            return
        except INFRASTRUCTURE_ERRORS as error:
            if pause_s is None:
                log.error(
                    "notification.round_unrecorded", attempts=len(attempts), error=repr(error)
                )
                return
            await asyncio.sleep(pause_s)


@dataclass(frozen=True)
class Round:
    conn: asyncpg.Connection
    turn: asyncio.Lock  # the lanes take turns on the round's one connection
    settings: Settings
    catalog: templates.Catalog
    unit: UnitOfWork
    webhook: WebhookPoster | None
    links: Links

    async def begin(self, rows: list[asyncpg.Record]) -> list[asyncpg.Record]:
        """Those of `rows` marked 'sending': a round whose lease ran out lost the others."""
        async with self.turn:
            marked = await store.mark_sending(self.conn, [row["id"] for row in rows])
        return [row for row in rows if row["id"] in marked]


async def _send_lane(
    round_: Round, rows: list[asyncpg.Record], session: MailSession, attempts: list[store.Attempt]
) -> None:
    """One session's share, an order's news as one message, in order, each outcome added to
    `attempts` once known. A connection the server dropped is opened again for the next
    message; a server that cannot be reached fails the rest of the share at once."""
    unreachable: Exception | None = None
    for message_rows in _messages(rows, merge=round_.settings.merge_window_s > 0):
        news = await round_.begin(message_rows)
        if not news:
            continue
        smtp = None
        if unreachable is None and news[0]["recipient"]:
            try:
                smtp = await session.ready()
            except (aiosmtplib.SMTPException, OSError) as error:
                unreachable = error
        attempts.extend(await _send_news(round_, news, smtp, unreachable))


def _messages(rows: list[asyncpg.Record], merge: bool) -> list[list[asyncpg.Record]]:
    """The rows each message tells: an order's all, merging; else one each."""
    if not merge:
        return [[row] for row in rows]
    by_order: dict[str, list[asyncpg.Record]] = {}
    for row in rows:
        by_order.setdefault(row["order_id"], []).append(row)
    return list(by_order.values())


async def _send_news(
    round_: Round,
    rows: list[asyncpg.Record],
    smtp: aiosmtplib.SMTP | None,
    unreachable: Exception | None,
) -> list[store.Attempt]:
    """One order's news in one message, on the channel that reaches its customer."""
    first = rows[0]
    with_context = log.bind(
        correlation_id=first["correlation_id"],
        order_id=first["order_id"],
        kinds=[row["kind"] for row in rows],
    )
    channel = ""
    unsubscribe_url = round_.links.url(first["order_id"])
    try:
        channel = channel_for(first, round_.webhook)
        message = compose(rows, round_.catalog, unsubscribe_url)
        if round_.webhook is not None and channel == "webhook":
            await round_.webhook.post(
                f"notification-{first['id']}", webhook_body(rows, message, unsubscribe_url)
            )
        elif smtp is None:
            raise unreachable or ConnectionError("no SMTP session")
        else:
            await smtp.send_message(
                build_email(rows, message, round_.settings.smtp_sender, unsubscribe_url)
            )
    except Exception as error:  # any failure is this message's alone: log it, go on with the rest
        return _failed(round_, rows, channel, error, with_context)
    recipient = (
        round_.webhook.url if round_.webhook and channel == "webhook" else first["recipient"]
    )
    for row in rows:
        _told(round_.unit, row, channel, recipient, message.language)
    with_context.info("customer.notified", channel=channel, language=message.language)
    return [
        store.Attempt(
            row["id"], row["attempts"] + 1, True, False, _sent_detail(rows, message), 0, channel
        )
        for row in rows
    ]


def _sent_detail(rows: list[asyncpg.Record], message: templates.Message) -> str:
    notes = []
    if message.fell_back:
        languages = sorted({row["language"] for row in rows})
        notes.append(f"sent in {message.language}: no '{', '.join(languages)}' template")
    if len(rows) > 1:
        notes.append(f"one message for {', '.join(row['kind'] for row in rows)}")
    return "; ".join(notes)


def _failed(
    round_: Round,
    rows: list[asyncpg.Record],
    channel: str,
    error: Exception,
    with_context: Any,
) -> list[store.Attempt]:
    no_channel = isinstance(error, NoAddress)
    attempts = []
    for row in rows:
        attempt = row["attempts"] + 1
        gave_up = no_channel or isinstance(error, WebhookRefused)
        gave_up = gave_up or attempt >= round_.settings.send_attempts
        if no_channel:
            _unreachable(round_.unit, row, str(error))
        attempts.append(
            store.Attempt(
                row["id"], attempt, False, gave_up, repr(error), 2.0**attempt, channel, no_channel
            )
        )
    with_context.warning(
        "notification.failed", attempts=[a.attempt for a in attempts], error=repr(error)
    )
    return attempts


def _unreachable(unit: UnitOfWork, row: asyncpg.Record, reason: str) -> None:
    unit.emit(
        topics.NOTIFICATIONS_SENT,
        row["order_id"],
        CustomerUnreachable(order_id=row["order_id"], notification=row["kind"], reason=reason),
        correlation_id=row["correlation_id"],
    )


def _told(
    unit: UnitOfWork, row: asyncpg.Record, channel: str, recipient: str, language: str
) -> None:
    unit.emit(
        topics.NOTIFICATIONS_SENT,
        row["order_id"],
        CustomerNotified(
            order_id=row["order_id"],
            notification=row["kind"],
            channel=channel,
            recipient=recipient,
            language=language,
        ),
        correlation_id=row["correlation_id"],
    )


async def finish_when_stopped(round_: Coroutine[Any, Any, int], grace_s: float = 8.0) -> int:
    """Run a sending round to its end even when the service is stopped meanwhile (SIGTERM): a
    round cut short leaves the mails in flight 'sending', never sent again (at most once), and
    delays the rest by the round's lease. The stop waits up to `grace_s`, within the service's
    own 10 s for its tasks, then goes on."""
    running = asyncio.ensure_future(round_)
    try:
        return await asyncio.shield(running)
    except asyncio.CancelledError:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace_s
        while not running.done() and loop.time() < deadline:
            with contextlib.suppress(asyncio.CancelledError):  # the stop cancels again and again
                await asyncio.wait([running], timeout=deadline - loop.time())
        log.info("notification.round_finished_before_stop", finished=running.done())
        raise


def sender_task(
    settings: Settings, catalog: templates.Catalog = templates.PACKAGED
) -> Callable[[RunningService], Coroutine[Any, Any, None]]:
    async def send_forever(service: RunningService) -> None:
        sessions = [
            MailSession(settings.smtp_host, settings.smtp_port, idle_s=settings.smtp_idle_s)
            for _ in range(settings.smtp_sessions)
        ]
        webhook = (
            WebhookPoster(
                str(settings.webhook_url),
                settings.webhook_secret.get_secret_value(),
                settings.webhook_timeout_s,
            )
            if settings.webhook_url is not None and settings.webhook_secret is not None
            else None
        )
        try:
            while True:
                try:
                    async with service.pool.acquire() as conn:
                        if given_up := await store.give_up_unconfirmed(
                            conn, settings.sending_lease_s
                        ):
                            log.error("notification.unconfirmed", notifications=given_up)
                    sent = await finish_when_stopped(
                        send_due(service.pool, settings, sessions, catalog=catalog, webhook=webhook)
                    )
                except Exception:  # what was begun stays 'sending'; never let the sender die
                    log.exception("notification.sender_failed")
                    sent = 0
                if not sent:
                    await asyncio.sleep(settings.send_poll_interval_s)
        finally:
            for session in sessions:
                session.close()
            if webhook is not None:
                await webhook.close()

    return send_forever
