"""Signals a service process while it works through a burst of orders, and measures how soon
its restarted process handles events again."""

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from orderflow_testing.system import eventually

from tests.faults.checker import redeliveries
from tests.faults.stack import FaultStack

log = structlog.get_logger()

RESUME_BOUND_S = 60  # restart backoff (at most 4 s by the third death) + start-up + group join


@dataclass(frozen=True)
class Interruption:
    service: str
    signal: str
    exited_after_s: float  # from the signal until the process was gone
    exit_code: int
    resumed_after_s: float  # from the signal until its new process handled a new event


Ready = Callable[[], Awaitable[bool]]


async def interrupt_mid_batch(
    stack: FaultStack,
    service: str,
    signum: signal.Signals,
    burst: int,
    after: int = 5,
    ready: Callable[[FaultStack, str], Awaitable[Ready]] | None = None,
) -> Interruption:
    """Place `burst` orders, signal `service` once it is mid-way through them (by default: it
    committed its first transaction of them and more are on their way to it), place `after`
    more while it is down, and wait until a new process of it has handled one."""
    processes = stack.processes
    assert processes is not None, "faults need the services as processes"
    is_ready = await (ready or first_transaction_committed)(stack, service)
    await stack.place(burst)
    process = processes.processes[service]
    await _signal_when(process, signum, is_ready)
    loop = asyncio.get_running_loop()
    signalled_at = loop.time()
    await eventually(lambda: _exited(process), timeout_s=30, interval_s=0.05)
    exited_after_s = loop.time() - signalled_at
    await asyncio.sleep(0.3)  # a COMMIT already on the wire when it died lands now
    handled = await stack.inbox_count(service)
    await stack.place(after)
    await processes.running_again(service, process.pid, timeout_s=RESUME_BOUND_S)
    await eventually(
        lambda: _more_than(stack, service, handled), timeout_s=RESUME_BOUND_S, interval_s=0.05
    )
    assert process.returncode is not None
    resumed = Interruption(
        service, signum.name, exited_after_s, process.returncode, loop.time() - signalled_at
    )
    log.info("fault.resumed", service=service, signal=signum.name, after_s=resumed.resumed_after_s)
    return resumed


async def _signal_when(
    process: subprocess.Popen[bytes], signum: signal.Signals, ready: Ready
) -> None:
    """Freeze the process once `ready` holds, ask again while it cannot move on, and signal it
    only if it still holds; otherwise let it run and wait for the next chance."""
    while True:
        await eventually(ready, timeout_s=90, interval_s=0.02)
        os.kill(process.pid, signal.SIGSTOP)
        try:
            if await ready():
                os.kill(process.pid, signum)
                return
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGCONT)


async def first_transaction_committed(stack: FaultStack, service: str) -> Ready:
    handled = await stack.inbox_count(service)
    return lambda: _more_than(stack, service, handled)


async def sending_round_under_way(stack: FaultStack, service: str) -> Ready:
    """Notifications claimed for a round that has not recorded its outcome yet."""
    notifications = await stack.system.db(service)
    since = await notifications.fetchval("SELECT now()")

    async def claimed() -> bool:
        return bool(
            await notifications.fetchval(
                "SELECT count(*) FROM notifications WHERE status = 'sending'"
                " AND sending_since > $1",
                since,
            )
        )

    return claimed


async def _more_than(stack: FaultStack, service: str, handled: int) -> bool:
    return await stack.inbox_count(service) > handled


async def _exited(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is not None


async def kill_between_commits(stack: FaultStack, service: str, orders: int = 30) -> bool:
    """Kill `service` right after its second database transaction of a trickle of orders: the
    consumer commits offsets at most every 0.5 s, so that batch's offsets are most likely not
    committed yet. True when its new process was handed records it had handled (its inbox
    dropped them), which proves the crash fell between the two commits."""
    processes = stack.processes
    assert processes is not None, "faults need the services as processes"
    redelivered = redeliveries(stack.log_dir)[service]
    database = await stack.system.db(service)
    since = await database.fetchval("SELECT now()")
    trickle = asyncio.create_task(_trickle(stack, orders))
    try:
        await eventually(
            lambda: _transactions_since(stack, service, since, 2), timeout_s=90, interval_s=0.01
        )
        pid = processes.signal(service, signal.SIGKILL)
    finally:
        await trickle
    await processes.running_again(service, pid, timeout_s=RESUME_BOUND_S)
    try:
        await eventually(
            lambda: _redelivered(stack, service, redelivered), timeout_s=10, interval_s=0.05
        )
    except AssertionError:
        return False
    return True


async def _trickle(stack: FaultStack, orders: int) -> None:
    for _ in range(orders):
        await stack.place(1)
        await asyncio.sleep(0.03)


async def _transactions_since(
    stack: FaultStack, service: str, since: object, at_least: int
) -> bool:
    """Each batch's inbox rows share its transaction's start time."""
    database = await stack.system.db(service)
    count = await database.fetchval(
        "SELECT count(DISTINCT received_at) FROM inbox WHERE received_at > $1", since
    )
    return int(count) >= at_least


async def _redelivered(stack: FaultStack, service: str, before: int) -> bool:
    return redeliveries(stack.log_dir)[service] > before
