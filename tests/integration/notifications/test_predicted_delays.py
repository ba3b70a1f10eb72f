"""A parcel's 'delayed' forecast never runs ahead of the news notifications has read: while its
consumer is behind on the carrier's news (a busy machine, a backlog after a restart), a parcel
whose 'delivered' waits on the topic is not told 'delayed' for having gone quiet; once the
consumer is caught up, a parcel that did go quiet is. On the real broker and PostgreSQL."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_runtime import RunningService
from orderflow_runtime.kafka import partition_of
from orderflow_testing.system import TestSystem, eventually

from tests.integration.notifications.test_customer_emails import accepted, shipped

pytestmark = pytest.mark.integration

LANE_TRANSIT_S = 2.0  # the lane's deliveries took two seconds each: out longer is overdue


def promised_in_an_hour(order_id: str) -> object:
    event = accepted(order_id, "en")
    deliver_by = datetime.now(UTC) + timedelta(hours=1)
    return event.model_copy(
        update={"order": event.order.model_copy(update={"deliver_by": deliver_by})}
    )


async def lane_history(db: Any, deliveries: int, heard_after_s: float | None = None) -> None:
    """Deliveries to Singapore by 4px yesterday, LANE_TRANSIT_S in transit each, each heard
    `heard_after_s` after it arrived (None: when is not known, as before it was kept)."""
    for n in range(deliveries):
        order_id = f"past-{n}"
        await db.execute(
            "INSERT INTO contacts (order_id, name, email, language, country)"
            " VALUES ($1, '', '', 'en', 'SG')",
            order_id,
        )
        await db.execute(
            "INSERT INTO transits"
            " (shipment_id, order_id, carrier, shipped_at, delivered_at, delivery_heard_at)"
            " VALUES ($1, $2, '4px', now() - interval '1 day',"
            "  now() - interval '1 day' + make_interval(secs => $3),"
            "  now() - interval '1 day' + make_interval(secs => $3 + $4))",
            f"{order_id}-s1",
            order_id,
            LANE_TRANSIT_S,
            heard_after_s,
        )


class HeldConsumer:
    """Holds the service's consumer at its next batch, read but not applied, until released."""

    def __init__(self, service: RunningService) -> None:
        self._consumer = service.consumer_of(topics.FULFILLMENT_STATUS)
        self._process = self._consumer.process
        self.holding = asyncio.Event()
        self.released = asyncio.Event()
        self._consumer.process = self._held  # type: ignore[method-assign]

    async def _held(self, batch: Any) -> None:
        if not self.released.is_set():
            self.holding.set()
            await self.released.wait()
        await self._process(batch)


async def test_a_parcel_delivered_while_the_consumer_lags_is_not_told_delayed(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    service = await start(
        system,
        "notifications",
        smtp_port=smtp.port,
        delay_check_interval_s=0.2,
        delay_min_samples=10,
    )
    db = await system.db("notifications")
    await lane_history(db, 30)
    bus = await system.bus("partners")
    for order_id in ("o-arrived", "o-quiet"):
        await bus.publish(topics.ORDERS, order_id, promised_in_an_hour(order_id))
    await bus.flush()
    await eventually(
        lambda: db.fetchval("SELECT count(*) = 2 FROM contacts WHERE deliver_by > now()")
    )
    for order_id in ("o-arrived", "o-quiet"):  # read at once: the consumer is under way
        await bus.publish(topics.FULFILLMENT_STATUS, order_id, shipped(order_id))
    await bus.flush()
    await eventually(
        lambda: db.fetchval("SELECT count(*) = 2 FROM transits WHERE order_id LIKE 'o-%'")
    )

    held = HeldConsumer(service)
    await bus.publish(
        topics.FULFILLMENT_STATUS, "o-arrived", shipped("o-arrived", ShipmentStatus.DELIVERED)
    )
    await bus.flush()
    await asyncio.wait_for(held.holding.wait(), timeout=20)
    await asyncio.sleep(3 * LANE_TRANSIT_S)  # both out three times their lane's p90, it seems
    told_while_behind = await _told_delayed(db)
    held.released.set()

    await eventually(
        lambda: db.fetchval(
            "SELECT delivered_at IS NOT NULL FROM transits WHERE order_id = 'o-arrived'"
        )
    )
    await eventually(lambda: _told_delayed(db))  # caught up: the quiet parcel is overdue
    await asyncio.sleep(1)  # a few more checks
    assert told_while_behind == []
    assert await _told_delayed(db) == ["o-quiet"]


async def test_a_parcel_is_not_quiet_before_its_lanes_news_usually_comes(
    system: TestSystem, start, smtp
) -> None:
    """The lane's 'delivered' news reaches notifications 3 s after its parcels arrive (the
    carrier's scans, fulfillment's batched reads): a parcel out longer than the lane's p90 is
    told 'delayed' only once it is out longer than that and those 3 s."""
    news_lag_s = 3.0
    await system.create_topics([])
    await start(
        system, "notifications", smtp_port=smtp.port, delay_check_interval_s=0.2,
        delay_min_samples=10,
    )  # fmt: skip
    db = await system.db("notifications")
    await lane_history(db, 30, heard_after_s=news_lag_s)
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-quiet", promised_in_an_hour("o-quiet"))
    await bus.flush()
    await eventually(
        lambda: db.fetchval("SELECT count(*) = 1 FROM contacts WHERE deliver_by > now()")
    )
    await bus.publish(topics.FULFILLMENT_STATUS, "o-quiet", shipped("o-quiet"))
    await bus.flush()

    await eventually(lambda: _told_delayed(db), timeout_s=30)
    told_after_s = await db.fetchval(
        "SELECT extract(epoch FROM n.created_at - t.shipped_at) FROM notifications n"
        " JOIN transits t USING (shipment_id) WHERE n.kind = 'delayed'"
    )
    assert told_after_s >= LANE_TRANSIT_S + news_lag_s


async def test_a_caught_up_replica_leaves_a_parcel_on_a_lagging_replicas_partition_to_it(
    system: TestSystem, start, smtp
) -> None:
    """Two replicas share the consumer group: the one caught up on its partitions tells of its
    own quiet parcel, and not of one whose 'delivered' waits on the other's held partition."""
    await system.create_topics([])
    settings = {"smtp_port": smtp.port, "delay_check_interval_s": 0.2, "delay_min_samples": 10}
    ahead = await start(system, "notifications", **settings)
    behind = await start(system, "notifications", **settings)
    owned = await eventually(lambda: _split_between(ahead, behind, system.partitions), timeout_s=60)
    quiet = _order_on(owned[0], "o-quiet", system.partitions)
    arrived = _order_on(owned[1], "o-arrived", system.partitions)
    db = await system.db("notifications")
    await lane_history(db, 30)
    bus = await system.bus("partners")
    for order_id in (quiet, arrived):
        await bus.publish(topics.ORDERS, order_id, promised_in_an_hour(order_id))
        await bus.publish(topics.FULFILLMENT_STATUS, order_id, shipped(order_id))
    await bus.flush()
    await eventually(
        lambda: db.fetchval("SELECT count(*) = 2 FROM transits WHERE order_id LIKE 'o-%'")
    )

    held = HeldConsumer(behind)
    await bus.publish(
        topics.FULFILLMENT_STATUS, arrived, shipped(arrived, ShipmentStatus.DELIVERED)
    )
    await bus.flush()
    await asyncio.wait_for(held.holding.wait(), timeout=20)
    await asyncio.sleep(3 * LANE_TRANSIT_S)  # both out three times their lane's p90, it seems
    told_while_one_behind = await _told_delayed(db)
    held.released.set()

    await eventually(
        lambda: db.fetchval(
            "SELECT delivered_at IS NOT NULL FROM transits WHERE order_id = $1", arrived
        )
    )
    await asyncio.sleep(1)  # a few more checks
    assert told_while_one_behind == [quiet]
    assert await _told_delayed(db) == [quiet]


async def _split_between(
    first: RunningService, second: RunningService, partitions: int
) -> tuple[set[int], set[int]] | None:
    """Each replica's partitions of the carrier news, once the group has split all of them."""
    owned = [await s.owned_partitions(topics.FULFILLMENT_STATUS) for s in (first, second)]
    if owned[0] is None or owned[1] is None:
        return None
    mine, theirs = set(owned[0].read_up_to), set(owned[1].read_up_to)
    return (mine, theirs) if mine | theirs == set(range(partitions)) and not mine & theirs else None


def _order_on(partitions: set[int], name: str, count: int) -> str:
    return next(
        f"{name}-{n}" for n in range(1000) if partition_of(f"{name}-{n}", count) in partitions
    )


async def _told_delayed(db: Any) -> list[str]:
    rows = await db.fetch("SELECT order_id FROM notifications WHERE kind = 'delayed' ORDER BY 1")
    return [row["order_id"] for row in rows]
