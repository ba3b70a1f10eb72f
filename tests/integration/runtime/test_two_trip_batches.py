"""A consumer batch's transaction in two round trips besides its handlers': the inbox claim
travels with BEGIN and the outbox rows with COMMIT, as SQL text."""

import uuid

import asyncpg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from orderflow_contracts import Envelope, topics
from orderflow_contracts.warehouse import StockReceived
from orderflow_runtime import inbox, outbox
from orderflow_runtime.db import OpeningRefused, transaction_in_two_trips
from orderflow_testing.system import TestSystem

from tests.integration.runtime.test_consumer_and_relay import EchoSettings, echo_service

pytestmark = pytest.mark.integration

AWKWARD = "it's a \\ backslash, \\x00 spelled out, é, 雪, 🚚 and ''"


def _message(sku: str) -> outbox.OutgoingMessage:
    event = StockReceived(sku=sku, location_id="us-ontario", quantity=1)
    envelope = Envelope.wrap(event, source="echo", correlation_id=f"o-{AWKWARD}")
    return outbox.OutgoingMessage(topics.INVENTORY_ALERTS, f"key {AWKWARD}", envelope)


async def _rows(pool: asyncpg.Pool) -> list[tuple[str, str, bytes, str]]:
    rows = await pool.fetch("SELECT topic, key, value, headers FROM outbox ORDER BY id")
    return [(row["topic"], row["key"], row["value"], row["headers"]) for row in rows]


async def test_rows_sent_with_commit_are_stored_as_write_stores_them(system: TestSystem) -> None:
    await system.create_topics([])
    await system.start("echo", lambda _: echo_service({}), EchoSettings)
    pool = await system.db("echo")
    messages = [_message(f"SKU {AWKWARD} {n}") for n in range(outbox.INLINE_ROWS_AT_MOST)]
    statement = outbox.insert_statement(messages)
    assert statement is not None
    async with transaction_in_two_trips(pool, "SELECT 1") as (_, closing):
        closing.statement = statement
    inline = await _rows(pool)
    await pool.execute("TRUNCATE outbox")
    async with pool.acquire() as conn, conn.transaction():
        await outbox.write(conn, messages)
    assert inline == await _rows(pool)
    assert [row[2] for row in inline] == [m.envelope.to_bytes() for m in messages]


def test_more_rows_than_inline_are_left_to_write() -> None:
    messages = [_message(str(n)) for n in range(outbox.INLINE_ROWS_AT_MOST + 1)]
    assert outbox.insert_statement(messages) is None
    assert outbox.insert_statement([]) is None


async def test_a_seen_event_refuses_the_opening_and_nothing_is_done(system: TestSystem) -> None:
    await system.create_topics([])
    await system.start("echo", lambda _: echo_service({}), EchoSettings)
    pool = await system.db("echo")
    seen, unseen = uuid.uuid4(), uuid.uuid4()
    await pool.execute("INSERT INTO inbox (event_id) VALUES ($1)", seen)
    ran = False
    with pytest.raises(OpeningRefused) as refused:
        async with transaction_in_two_trips(pool, inbox.claim_unseen_statement([unseen, seen])):
            ran = True
    assert isinstance(refused.value.error, asyncpg.UniqueViolationError)
    assert not ran
    assert [row["event_id"] for row in await pool.fetch("SELECT event_id FROM inbox")] == [seen]
    async with pool.acquire() as conn:  # the connection went back to the pool usable
        assert await conn.fetchval("SELECT 1") == 1


async def test_a_failing_block_rolls_back_the_claim(system: TestSystem) -> None:
    await system.create_topics([])
    await system.start("echo", lambda _: echo_service({}), EchoSettings)
    pool = await system.db("echo")
    event_id = uuid.uuid4()
    with pytest.raises(RuntimeError):
        async with transaction_in_two_trips(pool, inbox.claim_unseen_statement([event_id])):
            raise RuntimeError("handler failed")
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0


async def test_any_text_without_nul_reads_back_as_it_was_written(postgres_url: str) -> None:
    """The outbox's hand-built string constants (`outbox._literal`), against PostgreSQL's own
    parser: whatever a marketplace sends (quotes, backslashes, escapes spelled out, any plane of
    Unicode) comes back byte for byte, and nothing after it runs as SQL."""
    conn = await asyncpg.connect(postgres_url)
    try:

        @settings(max_examples=300, deadline=None)
        @given(st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",))))
        def read_back(text: str) -> None:
            texts.append(text)

        texts: list[str] = []
        read_back()
        literals = ", ".join(outbox._literal(text) for text in texts)
        row = await conn.fetchrow(f"SELECT ARRAY[{literals}]::text[] AS texts")
        assert row is not None
        wrong = [
            (sent, read) for sent, read in zip(texts, row["texts"], strict=True) if sent != read
        ]
        assert wrong == []
    finally:
        await conn.close()
