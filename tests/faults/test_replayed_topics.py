"""Every service's consumer group rewound to the start of every topic it reads, after all
orders were delivered: each service drops the whole history as duplicates, emits nothing new,
and no customer hears anything twice."""

import pytest

from tests.conftest import SERVICES
from tests.faults.checker import log_sizes, redelivered_events
from tests.faults.replay import replay_every_topic
from tests.faults.stack import FaultStack

pytestmark = [pytest.mark.e2e, pytest.mark.faults, pytest.mark.timeout(900)]

ORDERS = 30


async def outbox_sizes(stack: FaultStack) -> dict[str, int]:
    return {
        service: await (await stack.system.db(service)).fetchval("SELECT count(*) FROM outbox")
        for service in SERVICES
    }


async def test_replayed_topics_are_duplicates_to_every_service(stack: FaultStack) -> None:
    await stack.start(as_processes=True)
    await stack.place(ORDERS)
    assert (await stack.settle(timeout_s=120)).clean
    handled = {service: await stack.inbox_count(service) for service in SERVICES}
    emitted, emails = await outbox_sizes(stack), len(stack.smtp.messages)
    before = log_sizes(stack.log_dir)

    await replay_every_topic(stack)
    report = await stack.settle(timeout_s=60)

    print(report.table())
    assert report.clean, report.table()
    assert report.complete == ORDERS
    dropped = redelivered_events(stack.log_dir, before)
    assert {s: len(dropped[s]) for s in SERVICES} == handled
    assert await outbox_sizes(stack) == emitted
    assert len(stack.smtp.messages) == emails
