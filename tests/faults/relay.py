"""A service killed (-9) at one of two exact points of its relay, held there from the test through
the service's own database, with no hook in the product:

- before producing: the test takes the relay's leadership (it ends the session holding the
  relay's advisory lock and takes the lock itself), so the relay asks to lead again on every
  poll with rows unsent and nothing produced, while the service keeps consuming and writing its
  outbox;
- after producing, before marking sent: a trigger installed by the test on `outbox` makes the
  relay's `UPDATE outbox SET sent_at = now()` wait, its rows updated and not committed, for an
  advisory lock the test holds. The relay only marks a batch once every record of it is
  acknowledged (acks=all), so when the test sees it waiting the batch is on the broker and not
  marked sent.

After send, once the relay is seen waiting (pg_locks: its lock not granted), the service is
SIGKILLed. Its waiting backend is then terminated, as PostgreSQL would once it noticed the
client gone (left alone, it would commit the 'sent' mark the dead process had already sent),
and the test lets go.
The new process's relay publishes what was never produced, and the after-send batch a second
time: consumers' inboxes must drop every copy."""

import asyncio
import signal
import subprocess
from collections import Counter
from dataclasses import dataclass

import asyncpg
from orderflow_runtime import outbox
from orderflow_testing.system import Message, eventually

from tests.faults.kills import RESUME_BOUND_S
from tests.faults.stack import FaultStack

HOLD_SENT_LOCK = 0x7465_7374  # the test's own key for the trigger's lock
# After the whole statement, so that every row of the batch is updated and locked while it
# waits. The relay's statement of an idle poll marks nothing and goes through.
_TRIGGER = f"""
CREATE OR REPLACE FUNCTION fault_hold_sent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT FROM marked WHERE sent_at IS NOT NULL) THEN
    PERFORM pg_advisory_xact_lock_shared({HOLD_SENT_LOCK});
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER fault_hold_sent AFTER UPDATE ON outbox REFERENCING NEW TABLE AS marked
  FOR EACH STATEMENT EXECUTE FUNCTION fault_hold_sent();
"""
_DROP_TRIGGER = "DROP TRIGGER IF EXISTS fault_hold_sent ON outbox"


@dataclass(frozen=True)
class RelayCrash:
    service: str
    point: str  # "before send" or "after send"
    rows_held: int  # unsent rows when it died: never produced, or produced and not marked
    batch: int  # after send: the rows of the batch on the broker and not marked sent
    resumed_after_s: float  # from the kill until its outbox was all sent again


async def kill_relay(stack: FaultStack, service: str, point: str, burst: int = 20) -> RelayCrash:
    """Hold `service`'s relay at `point`, place `burst` orders, kill the service once its relay
    waits there with rows in hand, let go, and wait until its new relay has sent them all."""
    assert point in ("before send", "after send")
    processes = stack.processes
    assert processes is not None, "faults need the services as processes"
    database_url = await stack.system.database_url(service)
    holder = await asyncpg.connect(database_url)
    waiting = None
    try:
        if point == "after send":
            await holder.execute(_TRIGGER)
            await holder.execute("SELECT pg_advisory_lock($1)", HOLD_SENT_LOCK)
        else:
            await _take_leadership(holder)
        await stack.place(burst)
        if point == "after send":
            waiting = await eventually(
                lambda: _relay_waiting(holder, HOLD_SENT_LOCK), timeout_s=90, interval_s=0.05
            )
        # The service goes on consuming and writing its outbox while its relay waits: kill it
        # only once rows it has not produced are waiting.
        await eventually(lambda: _unsent(holder), timeout_s=90, interval_s=0.05)
        await asyncio.sleep(0.5)  # more rows behind the first
        batch = await _claimed(holder) if point == "after send" else []
        pid = processes.signal(service, signal.SIGKILL)
        loop = asyncio.get_running_loop()
        killed_at = loop.time()
        await eventually(lambda: _gone(processes.processes[service]), timeout_s=10)
        held = int(await holder.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))
        if waiting is not None:
            await holder.execute("SELECT pg_terminate_backend($1)", waiting)
    finally:
        if point == "after send":
            await holder.execute(_DROP_TRIGGER)
        await holder.execute("SELECT pg_advisory_unlock_all()")
    try:
        await processes.running_again(service, pid, timeout_s=RESUME_BOUND_S)
        await eventually(lambda: _all_sent(holder), timeout_s=RESUME_BOUND_S, interval_s=0.05)
        resumed_after_s = loop.time() - killed_at
    finally:
        await holder.close()
    for topic in {topic for topic, _ in batch}:  # the held batch is on the broker twice now
        ids = {event_id for t, event_id in batch if t == topic}
        await stack.system.read(topic, until=lambda seen, ids=ids: _each_twice(seen, ids))
    return RelayCrash(service, point, held, len(batch), resumed_after_s)


async def _take_leadership(holder: asyncpg.Connection) -> None:
    """Take the relay's lock: end the session that holds it until the lock is free, then hold
    it. The service's relay reconnects and finds it taken."""
    while not await holder.fetchval("SELECT pg_try_advisory_lock($1)", outbox.RELAY_LOCK):
        await holder.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
            " AND granted AND database = (SELECT oid FROM pg_database"
            "  WHERE datname = current_database())"
            " AND ((classid::bigint << 32) | objid::bigint) = $1",
            outbox.RELAY_LOCK,
        )
        await asyncio.sleep(0.01)


async def _claimed(holder: asyncpg.Connection) -> list[tuple[str, str]]:
    """(topic, event id) of the unsent rows another transaction has locked: the relay's batch,
    produced and waiting to be marked sent."""
    async with holder.transaction():
        rows = await holder.fetch(
            "SELECT topic, convert_from(value, 'UTF8')::jsonb ->> 'event_id' AS event_id"
            " FROM outbox WHERE sent_at IS NULL AND id NOT IN"
            " (SELECT id FROM outbox WHERE sent_at IS NULL FOR UPDATE SKIP LOCKED)"
        )
        # the transaction ends here and lets go of the rows it locked
    return [(row["topic"], row["event_id"]) for row in rows]


def _each_twice(seen: list[Message], ids: set[str]) -> bool:
    copies = Counter(str(m.envelope.event_id) for m in seen if m.envelope)
    return all(copies[event_id] >= 2 for event_id in ids)


async def _relay_waiting(holder: asyncpg.Connection, lock: int) -> int | None:
    """The pid of a backend waiting for the advisory lock the test holds."""
    pid = await holder.fetchval(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND ((classid::bigint << 32) | objid::bigint) = $1",
        lock,
    )
    return int(pid) if pid is not None else None


async def _gone(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is not None


async def _unsent(holder: asyncpg.Connection) -> int:
    return int(await holder.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))


async def _all_sent(holder: asyncpg.Connection) -> bool:
    return not await holder.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
