"""A customer gets each message at most once, whatever dies while it is being sent: a
notification is marked 'sending' and committed just before its mail goes out, one a dead sender
left 'sending' becomes 'unconfirmed' instead of going out again, and what a dead round took but
never began goes out in a later round."""

import asyncio
from types import SimpleNamespace

import asyncpg
import pytest
from orderflow_notifications import sender, store
from orderflow_notifications.config import Settings
from orderflow_notifications.mail import MailSession
from orderflow_runtime.db import apply_migrations, create_pool
from orderflow_testing.system import TestSystem, eventually

from tests.integration.notifications.test_customer_emails import accepted

pytestmark = pytest.mark.integration

ORDERS = ("o-1", "o-2", "o-3")


@pytest.fixture
async def queued(system: TestSystem):
    """notifications' database with one 'shipped' notification due per order (no service runs:
    the test is the sender)."""
    pool = await create_pool(await system.database_url("notifications"), 2)
    await apply_migrations(pool, "orderflow_runtime", "orderflow_notifications")
    async with pool.acquire() as conn:
        await store.save_contacts(conn, [accepted(order_id, "en").order for order_id in ORDERS])
        await store.queue(
            conn,
            [
                store.News(order_id, f"{order_id}-s1", "shipped", order_id, "4px", "4PX123")
                for order_id in ORDERS
            ],
        )
    yield pool
    await pool.close()


ROUND_LEASE_S = 0.5


def settings(smtp) -> Settings:
    return Settings(
        database_url="postgresql://unused", smtp_port=smtp.port, round_lease_s=ROUND_LEASE_S
    )


async def send_round(pool, smtp) -> int:
    sessions = [MailSession("127.0.0.1", smtp.port, idle_s=10)]
    try:
        return await sender.send_due(pool, settings(smtp), sessions)
    finally:
        for session in sessions:
            session.close()


async def statuses(pool) -> list[str]:
    return [row["status"] for row in await pool.fetch("SELECT status FROM notifications")]


async def test_each_due_notification_is_sent_once_and_marked_sent(queued, smtp):
    assert await send_round(queued, smtp) == len(ORDERS)
    assert await send_round(queued, smtp) == 0
    assert sorted(message["To"] for message in smtp.messages) == [
        f"{order_id}@example.com" for order_id in ORDERS
    ]
    assert await statuses(queued) == ["sent"] * len(ORDERS)


async def test_mail_sent_but_not_recorded_is_never_sent_again(queued, smtp, monkeypatch) -> None:
    """The database goes away after the mails went out and before their outcome commits (a
    PostgreSQL restart): before, the whole round was sent again."""

    async def database_gone(*_):
        raise ConnectionResetError("the database restarted")

    with monkeypatch.context() as patched:
        patched.setattr(store, "record_attempts", database_gone)
        patched.setattr(sender, "RECORD_RETRIES_S", ())  # gone for good: no new connection helps
        with pytest.raises(ConnectionResetError):
            await send_round(queued, smtp)
    assert len(smtp.messages) == len(ORDERS)
    assert await statuses(queued) == ["sending"] * len(ORDERS)

    await asyncio.sleep(ROUND_LEASE_S)
    assert await send_round(queued, smtp) == 0  # begun by the dead round: never due again
    async with queued.acquire() as conn:
        assert await store.give_up_unconfirmed(conn, lease_s=300) == 0  # still within its lease
        assert await store.give_up_unconfirmed(conn, lease_s=0) == len(ORDERS)
    assert await send_round(queued, smtp) == 0
    assert len(smtp.messages) == len(ORDERS)
    assert await statuses(queued) == ["unconfirmed"] * len(ORDERS)
    logged = await queued.fetchval(
        "SELECT count(*) FROM delivery_log WHERE outcome = 'unconfirmed' AND detail <> ''"
    )
    assert logged == len(ORDERS)


HOLD = 0x686F_6C64


async def test_a_round_whose_connection_is_cut_after_sending_records_it_on_another(
    queued, smtp
) -> None:
    """pg_terminate_backend of the round's connection once its mails went out, while it records
    their outcomes (held there by a trigger that waits for the test's lock): the round records
    them again on a new connection, so they are 'sent' with their CustomerNotified events, not
    left 'sending' to become 'unconfirmed'."""
    holder = await queued.acquire()
    try:
        await holder.execute(
            "CREATE FUNCTION hold_sent() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN PERFORM pg_advisory_xact_lock_shared({HOLD}); RETURN NEW; END $$;"
            " CREATE TRIGGER hold_sent BEFORE UPDATE ON notifications FOR EACH ROW"
            " WHEN (NEW.status = 'sent') EXECUTE FUNCTION hold_sent()"
        )
        await holder.execute("SELECT pg_advisory_lock($1)", HOLD)
        sending = asyncio.create_task(send_round(queued, smtp))
        recording = await eventually(
            lambda: holder.fetchval(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND objid = $1",
                HOLD,
            )
        )
        assert len(smtp.messages) == len(ORDERS)
        await holder.execute("SELECT pg_terminate_backend($1)", recording)
        await holder.execute("SELECT pg_advisory_unlock($1)", HOLD)
        with pytest.raises((asyncpg.PostgresConnectionError, asyncpg.InterfaceError)):
            await sending
    finally:
        await queued.release(holder)

    assert await statuses(queued) == ["sent"] * len(ORDERS)
    assert len(smtp.messages) == len(ORDERS)
    assert await queued.fetchval("SELECT count(*) FROM outbox") == len(ORDERS)
    assert await send_round(queued, smtp) == 0


async def test_a_round_that_died_before_sending_leaves_its_notifications_to_the_next(
    queued, smtp
) -> None:
    async with queued.acquire() as conn, conn.transaction():
        taken = await store.lease_due(conn, 50, ROUND_LEASE_S)  # and then the process died
    assert [row["order_id"] for row in taken] == list(ORDERS)
    assert await send_round(queued, smtp) == 0
    await asyncio.sleep(ROUND_LEASE_S)
    async with queued.acquire() as conn:
        assert await store.give_up_unconfirmed(conn, lease_s=0) == 0  # none was begun
    assert await send_round(queued, smtp) == len(ORDERS)
    assert len(smtp.messages) == len(ORDERS)
    assert await statuses(queued) == ["sent"] * len(ORDERS)


async def test_a_message_another_round_began_is_not_sent_twice(queued, smtp, monkeypatch) -> None:
    """A round that outlived its lease meets a message a later round began: it skips it."""
    mark_sending = store.mark_sending
    begun_elsewhere: list[int] = []

    async def raced(conn, notification_ids):
        if not begun_elsewhere:
            begun_elsewhere.extend(notification_ids)
            async with queued.acquire() as later_round:
                assert await mark_sending(later_round, notification_ids) == set(notification_ids)
        return await mark_sending(conn, notification_ids)

    monkeypatch.setattr(store, "mark_sending", raced)
    assert await send_round(queued, smtp) == len(ORDERS)
    assert len(smtp.messages) == len(ORDERS) - 1
    status = await queued.fetchval(
        "SELECT status FROM notifications WHERE id = $1", begun_elsewhere[0]
    )
    assert status == "sending"  # the later round's, to record


async def test_a_round_under_way_when_the_service_stops_sends_and_records_all_it_claimed(
    queued, smtp, monkeypatch
) -> None:
    """A graceful stop (SIGTERM) cancelled the sender mid-round: what it had claimed stayed
    'sending' and was never sent."""
    claimed = asyncio.Event()
    send_lane = sender._send_lane

    async def slow_lane(*args):
        claimed.set()
        await asyncio.sleep(0.5)
        return await send_lane(*args)

    monkeypatch.setattr(sender, "_send_lane", slow_lane)
    service = SimpleNamespace(pool=queued)
    sending = asyncio.create_task(sender.sender_task(settings(smtp))(service))
    await asyncio.wait_for(claimed.wait(), timeout=10)
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending

    assert await statuses(queued) == ["sent"] * len(ORDERS)
    assert len(smtp.messages) == len(ORDERS)
