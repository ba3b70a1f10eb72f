"""How far a consumer has read, in time, on the real broker: a fetch that waits for more news
than has come (fetch_min_bytes) leaves what was published meanwhile at the broker, so a
partition read to the end of the last fetch is read up to when that fetch was answered, not up
to now. Periodic work that concludes from silence (the delay forecast) relies on it."""

from datetime import UTC, datetime, timedelta

import pytest
from orderflow_contracts import topics
from orderflow_runtime import RunningService
from orderflow_runtime.kafka import partition_of
from orderflow_testing.system import TestSystem, eventually

from tests.integration.runtime.test_consumer_and_relay import EchoSettings, echo_service, received

pytestmark = pytest.mark.integration

KEY = "news"
FETCH_WAIT_MS = 3_000


async def test_news_published_while_a_fetch_waits_for_more_is_not_taken_as_read(
    system: TestSystem,
) -> None:
    await system.create_topics([])
    service = await system.start(
        "echo",
        lambda _: echo_service({}),
        EchoSettings,
        fetch_min_bytes=1024 * 1024,
        fetch_max_wait_ms=FETCH_WAIT_MS,
    )
    await eventually(lambda: _read_up_to(service), timeout_s=30)  # each partition fetched once
    bus = await system.bus()

    published_after = datetime.now(UTC) - timedelta(milliseconds=1)  # timestamps are in ms
    await bus.publish(topics.WAREHOUSE_STOCK, KEY, received("SKU-1"))
    await bus.flush()
    while_the_fetch_waits = await _read_up_to(service)

    await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 1)
    once_applied = await eventually(lambda: _read_up_to(service))
    assert while_the_fetch_waits is None or while_the_fetch_waits < published_after
    assert once_applied is not None and once_applied >= published_after


async def _read_up_to(service: RunningService) -> datetime | None:
    """The time the echo service has read KEY's partition up to, None while not known."""
    owned = await service.owned_partitions(topics.WAREHOUSE_STOCK)
    if owned is None:
        return None
    return owned.read_up_to.get(partition_of(KEY, owned.count))
