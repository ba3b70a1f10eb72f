"""With replicas sharing the consumer group, each reads the carrier news of some orders only
(those keyed to the partitions it owns): a replica caught up on its own partitions must not
tell 'delayed' of a parcel whose news waits, unread, on another replica's lagging partition."""

from datetime import UTC, datetime, timedelta

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_notifications.delays import tell_own_predicted_delays
from orderflow_runtime import OwnedPartitions, UnitOfWork
from orderflow_runtime.kafka import partition_of
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.notifications.test_predicted_delays import (
    FORECAST,
    delayed,
    lane_history,
    promised,
    shipped_days_ago,
    status,
)

PARTITIONS = 2


def order_on(partition: int, name: str) -> str:
    """An order id whose news the relay sends to `partition` of PARTITIONS."""
    return next(
        f"{name}-{n}" for n in range(100) if partition_of(f"{name}-{n}", PARTITIONS) == partition
    )


QUIET = order_on(0, "o-quiet")  # replica A's, caught up: a parcel that went quiet
ARRIVED = order_on(1, "o-arrived")  # replica B's, behind: its 'delivered' waits unread


async def two_parcels_out_two_days(notifications: DrivenService) -> datetime:
    """Both out twice their lane's p90 by the clock; returns when they left."""
    await lane_history(notifications, "4px", [1] * 50 + [5] * 2)  # p90: 1 day
    for order_id in (QUIET, ARRIVED):
        await notifications.deliver(topics.ORDERS, promised(order_id, 1))
        await shipped_days_ago(notifications, order_id, 2)
    return await notifications.conn.fetchval(
        "SELECT shipped_at FROM transits WHERE order_id = $1", ARRIVED
    )


async def test_a_caught_up_replica_leaves_a_parcel_on_a_lagging_replicas_partition_to_it(
    notifications,
) -> None:
    shipped_at = await two_parcels_out_two_days(notifications)
    unit = UnitOfWork(notifications.conn, "notifications")
    replica_a = OwnedPartitions(PARTITIONS, {0: datetime.now(UTC)})
    replica_b = OwnedPartitions(PARTITIONS, {1: shipped_at + timedelta(days=0.5)})

    assert await tell_own_predicted_delays(unit, FORECAST, replica_a) == 1
    assert await tell_own_predicted_delays(unit, FORECAST, replica_b) == 0  # within its p90
    assert [order_id for order_id, _ in await delayed(notifications)] == [QUIET]

    await notifications.deliver(
        topics.FULFILLMENT_STATUS, status(ARRIVED, ShipmentStatus.DELIVERED)
    )
    replica_b = OwnedPartitions(PARTITIONS, {1: datetime.now(UTC)})  # caught up
    assert await tell_own_predicted_delays(unit, FORECAST, replica_b) == 0
    assert await tell_own_predicted_delays(unit, FORECAST, replica_a) == 0
    assert [order_id for order_id, _ in await delayed(notifications)] == [QUIET]


async def test_a_replica_counts_its_parcels_to_its_partition_furthest_behind(
    notifications,
) -> None:
    shipped_at = await two_parcels_out_two_days(notifications)
    unit = UnitOfWork(notifications.conn, "notifications")
    behind = shipped_at + timedelta(days=0.5)

    assert await tell_own_predicted_delays(unit, FORECAST, None) == 0  # owns no partition
    one_behind = OwnedPartitions(PARTITIONS, {0: datetime.now(UTC), 1: behind})
    assert await tell_own_predicted_delays(unit, FORECAST, one_behind) == 0
    one_unknown = OwnedPartitions(PARTITIONS, {0: datetime.now(UTC), 1: None})
    assert await tell_own_predicted_delays(unit, FORECAST, one_unknown) == 0
    both_caught_up = OwnedPartitions(PARTITIONS, {0: datetime.now(UTC), 1: datetime.now(UTC)})
    assert await tell_own_predicted_delays(unit, FORECAST, both_caught_up) == 2
