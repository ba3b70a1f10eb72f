"""The transactional outbox: events are written in the business transaction and published
afterwards by one relay per service, in id order, with acks from every replica."""

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    CorruptRecordException,
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordTooLargeError,
)
from orderflow_contracts import Envelope
from orderflow_contracts.envelope import headers_as_bytes

from orderflow_runtime.db import transaction
from orderflow_runtime.errors import INFRASTRUCTURE_ERRORS
from orderflow_runtime.kafka import TopicNames
from orderflow_runtime.tracing import Tracing

log = structlog.get_logger()

NOTIFY_CHANNEL = "outbox"
# What the broker will never take, however often it is sent: set aside, not retried.
REFUSED_FOR_GOOD = (
    MessageSizeTooLargeError,
    RecordTooLargeError,
    CorruptRecordException,
    InvalidTopicError,
)
RELAY_LOCK = 0x6F75_7462  # one active relay per database keeps per-key order
# The rows in $1 were acknowledged by the broker. The read does not see the mark (one snapshot
# for the whole statement), hence the id filter.
_MARK_SENT_AND_READ_NEXT = (
    "WITH marked AS (UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[]))"
    " SELECT id, topic, key, value, headers, created_at FROM outbox"
    " WHERE sent_at IS NULL AND refused_at IS NULL AND id <> ALL($1::bigint[])"
    " ORDER BY id LIMIT $2"
)


@dataclass(frozen=True)
class OutgoingMessage:
    topic: str
    key: str
    envelope: Envelope


async def write(conn: asyncpg.Connection, messages: list[OutgoingMessage]) -> None:
    """Insert in the caller's transaction; the NOTIFY is delivered only if it commits. One
    statement: a round trip saved per consumer batch."""
    if not messages:
        return
    await conn.execute(
        "WITH written AS ("
        " INSERT INTO outbox (topic, key, value, headers)"
        " SELECT t, k, v, h::json FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[])"
        " WITH ORDINALITY AS m(t, k, v, h, n) ORDER BY n RETURNING 1)"
        " SELECT pg_notify($5, '') WHERE EXISTS (SELECT FROM written)",
        [message.topic for message in messages],
        [message.key for message in messages],
        [message.envelope.to_bytes() for message in messages],
        [json.dumps(message.envelope.headers()) for message in messages],
        NOTIFY_CHANNEL,
    )


# Up to this many rows, `insert_statement` writes them as SQL text that travels with COMMIT;
# beyond, PostgreSQL's parse of the literals costs more than the round trip it saves.
INLINE_ROWS_AT_MOST = 4


def insert_statement(messages: list[OutgoingMessage]) -> str | None:
    """What `write` does, as SQL text for the simple query protocol (to travel with COMMIT), or
    None where it cannot: too many rows, or a value that is not UTF-8 text without NUL."""
    if not messages or len(messages) > INLINE_ROWS_AT_MOST:
        return None
    rows = []
    for message in messages:
        try:
            value = message.envelope.to_bytes().decode()
        except UnicodeDecodeError:
            return None
        texts = (message.topic, message.key, value, json.dumps(message.envelope.headers()))
        if any("\0" in text for text in texts):
            return None
        topic, key, value, headers = map(_literal, texts)
        rows.append(f"({topic},{key},convert_to({value},'UTF8'),{headers}::json)")
    return (
        f"INSERT INTO outbox (topic, key, value, headers) VALUES {','.join(rows)};"
        f" NOTIFY {NOTIFY_CHANNEL}"
    )


def _literal(text: str) -> str:
    """A string constant for any server setting: an escape string, its backslashes and quotes
    doubled."""
    return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


async def requeue_sent_since(
    db: asyncpg.Pool | asyncpg.Connection, since: datetime | None = None
) -> int:
    """Mark rows sent since `since` (every sent row still kept, by default) unsent again, e.g.
    after a broker lost its data. Returns how many were."""
    status = await db.execute(
        "UPDATE outbox SET sent_at = NULL WHERE sent_at >= coalesce($1, '-infinity'::timestamptz)",
        since,
    )
    return int(status.split()[-1])


async def requeue_refused(db: asyncpg.Pool | asyncpg.Connection) -> int:
    """Give the rows the broker refused another try, once the cause is fixed (its
    message.max.bytes raised, say). Returns how many."""
    status = await db.execute(
        "UPDATE outbox SET refused_at = NULL, refusal = NULL WHERE refused_at IS NOT NULL"
    )
    return int(status.split()[-1])


@dataclass(frozen=True)
class Backlog:
    unsent: int  # waiting for the relay
    oldest_unsent_s: float  # 0 when none waits
    refused: int  # set aside: the broker refused them for good


async def backlog(pool: asyncpg.Pool, on_the_broker: Sequence[int] = ()) -> Backlog:
    """What waits for the relay, and what it set aside. Rows `on_the_broker` (a relay's last
    batch, acknowledged and not yet marked sent) do not wait."""
    row = await pool.fetchrow(  # each part on its partial index: sent rows are kept for days
        "SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND refused_at IS NULL"
        "  AND id <> ALL($1::bigint[])) AS unsent,"
        " (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) FROM outbox"
        "  WHERE sent_at IS NULL AND refused_at IS NULL AND id <> ALL($1::bigint[]))"
        "  AS oldest_s,"
        " (SELECT count(*) FROM outbox WHERE refused_at IS NOT NULL) AS refused",
        list(on_the_broker),
    )
    assert row is not None
    return Backlog(int(row["unsent"]), float(row["oldest_s"]), int(row["refused"]))


class Relay:
    def __init__(
        self,
        pool: asyncpg.Pool,
        dsn: str,
        producer: AIOKafkaProducer,
        names: TopicNames,
        *,
        batch: int,
        poll_interval_s: float,
        retention: timedelta,
        cluster_id: Callable[[], Awaitable[str]],
        cluster_check_interval_s: float,
        tracing: Tracing | None = None,
    ) -> None:
        self._pool = pool
        self._tracing = tracing
        self._dsn = dsn
        self._producer = producer
        self._names = names
        self._batch = batch
        self._poll_interval_s = poll_interval_s
        self._retention = retention
        self._cluster_id = cluster_id
        self._cluster_check_interval_s = cluster_check_interval_s
        self._wake = asyncio.Event()
        self._acked_unmarked: list[int] = []  # the last batch: on the broker, not yet marked
        self.published = 0

    @property
    def acked_unmarked(self) -> tuple[int, ...]:
        """The ids of the last batch: on the broker, marked sent with the next read."""
        return tuple(self._acked_unmarked)

    async def run(self) -> None:
        while True:
            try:
                await self._lead()
            except (*INFRASTRUCTURE_ERRORS, asyncpg.PostgresError) as error:
                # Unsent rows stay unsent: the next leader publishes them.
                log.warning("relay.restarting", error=repr(error))
            except Exception:  # a relay that dies stops the service's output for good
                log.exception("relay.failed")
            await asyncio.sleep(self._poll_interval_s)

    async def _lead(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        try:
            # Another instance leads; PostgreSQL cannot tell us when it lets go, so ask again.
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK):  # noqa: ASYNC110
                await asyncio.sleep(self._poll_interval_s)
            log.info("relay.leading")
            await conn.add_listener(NOTIFY_CHANNEL, lambda *_: self._wake.set())
            try:
                await self._publish_forever(conn)
            finally:
                await self._mark_before_leaving(conn)
        finally:
            with contextlib.suppress(Exception):
                await conn.close()

    async def _publish_forever(self, conn: asyncpg.Connection) -> None:
        loop = asyncio.get_running_loop()
        next_purge = next_cluster_check = loop.time()
        while True:
            self._wake.clear()
            if loop.time() >= next_cluster_check:
                await self.follow_cluster()
                next_cluster_check = loop.time() + self._cluster_check_interval_s
            published = await self.publish_batch(conn)
            if loop.time() >= next_purge:
                await self._purge_sent()
                next_purge = loop.time() + 600
            if published < self._batch:
                # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation.
                # An idle relay marks its last batch sent on the poll after this one.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll_interval_s):
                        await self._wake.wait()

    async def follow_cluster(self) -> int:
        """Compare the broker's cluster id with the one this database last published to. If it
        changed, the broker no longer holds what was sent (rebuilt without its data, or another
        cluster): every row still kept is published again. Returns how many were."""
        current = await self._cluster_id()
        async with transaction(self._pool) as conn:
            known = await conn.fetchval("SELECT cluster_id FROM kafka_cluster FOR UPDATE")
            await conn.execute(
                "INSERT INTO kafka_cluster (cluster_id) VALUES ($1) ON CONFLICT (singleton)"
                " DO UPDATE SET cluster_id = $1, seen_at = now()",
                current,
            )
            if known is None or known == current:
                return 0
            requeued = await requeue_sent_since(conn)
        self._acked_unmarked = []  # the old cluster's acks: those rows go out again
        log.warning(
            "relay.broker_replaced", old_cluster=known, new_cluster=current, requeued=requeued
        )
        return requeued

    async def publish_batch(self, conn: asyncpg.Connection) -> int:
        """Send the next batch, on the connection that holds the relay's lock: a statement that
        succeeds there proves this relay still leads (the lock lasts as long as the session).

        One round trip a batch: the statement that reads it also marks the previous batch sent,
        whose every record the broker acknowledged. Measured at 100 orders/s: a batch is one
        or two rows there, and a transaction of its own (BEGIN with a lock, the locked read,
        the mark with COMMIT) cost three round trips for each. A crash between the ack and the
        next statement publishes that batch again; consumers' inboxes drop the copies."""
        rows = await conn.fetch(_MARK_SENT_AND_READ_NEXT, self._acked_unmarked, self._batch)
        self._acked_unmarked = []
        refused = await self._send(rows) if rows else {}
        if refused:
            await self._set_aside(conn, refused)
        sent = [row for row in rows if row["id"] not in refused]
        self._acked_unmarked = [row["id"] for row in sent]
        self.published += len(sent)
        if self._tracing is not None:
            self._tracing.published(
                (row["topic"], json.loads(row["headers"]), row["created_at"]) for row in sent
            )
        return len(rows)

    async def _mark_before_leaving(self, conn: asyncpg.Connection) -> None:
        """On a clean stop, the last batch is marked sent, not published again by the next
        relay (a dropped connection leaves that to whoever leads next)."""
        if not self._acked_unmarked or conn.is_closed():
            return
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2):
                await conn.execute(
                    "UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])",
                    self._acked_unmarked,
                )
                self._acked_unmarked = []

    async def _send(self, rows: list[asyncpg.Record]) -> dict[int, str]:
        """The whole batch, then every ack: one round trip, not one per row. Returns the rows
        the broker refused for good, by id, with why; any other failure fails the batch."""
        refused: dict[int, str] = {}
        acks: list[tuple[int, asyncio.Future[Any]]] = []
        for row in rows:
            try:
                ack = await self._producer.send(
                    self._names.physical(row["topic"]),
                    row["value"],
                    key=row["key"].encode(),
                    headers=headers_as_bytes(json.loads(row["headers"])),
                )
            except REFUSED_FOR_GOOD as error:  # checked before it leaves: too large
                refused[row["id"]] = repr(error)
                continue
            acks.append((row["id"], ack))
        results = await asyncio.gather(*(ack for _, ack in acks), return_exceptions=True)
        for (row_id, _), result in zip(acks, results, strict=True):
            if isinstance(result, REFUSED_FOR_GOOD):
                refused[row_id] = repr(result)
            elif isinstance(result, BaseException):
                raise result
        return refused

    async def _set_aside(self, conn: asyncpg.Connection, refused: dict[int, str]) -> None:
        await conn.execute(
            "UPDATE outbox SET refused_at = now(), refusal = r.reason"
            " FROM unnest($1::bigint[], $2::text[]) AS r(id, reason) WHERE outbox.id = r.id",
            list(refused),
            list(refused.values()),
        )
        for row_id, reason in refused.items():
            log.error("relay.row_refused", outbox_id=row_id, reason=reason)

    async def _purge_sent(self) -> None:
        status = await self._pool.execute(
            "DELETE FROM outbox WHERE sent_at < now() - $1::interval", self._retention
        )
        log.debug("relay.purged", rows=status.split()[-1])
