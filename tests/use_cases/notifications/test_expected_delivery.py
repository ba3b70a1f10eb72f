"""When a departed parcel is expected: its lane's p50 to p90 transit after it left, the lanes
read at most once a minute."""

from datetime import timedelta

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_notifications.delays import DelayForecast
from orderflow_notifications.lanes import LaneTransits

from tests.use_cases.notifications.test_predicted_delays import lane_history, promised, status


async def test_a_parcel_is_expected_between_its_lanes_p50_and_p90_and_lanes_are_read_seldom(
    notifications,
) -> None:
    await lane_history(notifications, "4px", [2] * 12 + [4] * 8)  # p50 2 days, p90 4
    await notifications.deliver(topics.ORDERS, promised("o-1", days=9))
    await notifications.deliver(topics.FULFILLMENT_STATUS, status("o-1", ShipmentStatus.SHIPPED))
    shipped_at = await notifications.conn.fetchval(
        "SELECT shipped_at FROM transits WHERE order_id = 'o-1'"
    )
    lanes = LaneTransits(DelayForecast(min_samples=20), max_age_s=60)

    assert await lanes.expected(notifications.conn, ["o-1-s1"]) == {
        "o-1-s1": (shipped_at + timedelta(days=2), shipped_at + timedelta(days=4))
    }
    await notifications.conn.execute(  # the lane slows down: 40 more deliveries, 8 days each
        "INSERT INTO transits (shipment_id, order_id, carrier, shipped_at, delivered_at)"
        " SELECT 'slow-' || g, 'past-4px-0', '4px', now() - interval '9 days',"
        "  now() - interval '1 day' FROM generate_series(1, 40) g"
    )
    assert (await lanes.expected(notifications.conn, ["o-1-s1"]))["o-1-s1"][0] == (
        shipped_at + timedelta(days=2)
    )  # read a moment ago: not again
    lanes.max_age_s = 0
    assert (await lanes.expected(notifications.conn, ["o-1-s1"]))["o-1-s1"][0] == (
        shipped_at + timedelta(days=8)
    )
    assert (
        await LaneTransits(DelayForecast(min_samples=100)).expected(notifications.conn, ["o-1-s1"])
        == {}
    )  # a lane with too few deliveries says nothing
