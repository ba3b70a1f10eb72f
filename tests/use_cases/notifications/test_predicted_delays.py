"""A customer hears their parcel will be late before the promise is missed: predicted from the
lane's own recent deliveries against the order's promised delivery."""

from datetime import UTC, datetime, timedelta

from orderflow_contracts import Envelope, topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_notifications.delays import DelayForecast, tell_predicted_delays
from orderflow_runtime import UnitOfWork
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import accepted

FORECAST = DelayForecast(quantile=0.9, min_samples=20)


def caught_up() -> datetime:
    """The carrier's news is read up to now: the consumer is at the end of its partitions."""
    return datetime.now(UTC)


def promised(order_id: str, days: float, country: str = "SG") -> object:
    event = accepted(order_id, country=country, email=f"{order_id}@example.com")
    deliver_by = datetime.now(UTC) + timedelta(days=days)
    return event.model_copy(
        update={"order": event.order.model_copy(update={"deliver_by": deliver_by})}
    )


def status(order_id: str, value: ShipmentStatus, carrier: str = "4px") -> ShipmentStatusChanged:
    return ShipmentStatusChanged(
        order_id=order_id,
        shipment_id=f"{order_id}-s1",
        location_id="cn-shenzhen",
        status=value,
        carrier=carrier,
        tracking_number=f"TN-{order_id}",
    )


async def lane_history(notifications: DrivenService, carrier: str, days: list[float]) -> None:
    """Past deliveries to Singapore, `days` in transit each."""
    for n, transit in enumerate(days):
        await notifications.deliver(topics.ORDERS, promised(f"past-{carrier}-{n}", -30))
        await notifications.conn.execute(
            "INSERT INTO transits (shipment_id, order_id, carrier, shipped_at, delivered_at)"
            " VALUES ($1, $2, $3, now() - interval '10 days',"
            "  now() - interval '10 days' + make_interval(secs => $4))",
            f"past-{carrier}-{n}-s1",
            f"past-{carrier}-{n}",
            carrier,
            transit * 86400,
        )


async def delayed(notifications: DrivenService) -> list[tuple[str, str]]:
    rows = await notifications.conn.fetch(
        "SELECT order_id, tracking_number FROM notifications WHERE kind = 'delayed' ORDER BY id"
    )
    return [tuple(row) for row in rows]


async def test_a_shipment_its_lane_delivers_after_the_promise_is_told_once(notifications) -> None:
    await lane_history(notifications, "4px", [3] * 15 + [6] * 10)  # p90: 6 days
    await notifications.deliver(topics.ORDERS, promised("o-late", days=4))
    await notifications.deliver(topics.ORDERS, promised("o-fine", days=8))
    await notifications.deliver(
        topics.FULFILLMENT_STATUS,
        status("o-late", ShipmentStatus.SHIPPED),
        status("o-fine", ShipmentStatus.SHIPPED),
    )
    unit = UnitOfWork(notifications.conn, "notifications")

    assert await tell_predicted_delays(unit, FORECAST, caught_up()) == 1
    assert await delayed(notifications) == [("o-late", "TN-o-late")]
    assert await tell_predicted_delays(unit, FORECAST, caught_up()) == 0  # once
    await notifications.deliver(
        topics.FULFILLMENT_STATUS, status("o-late", ShipmentStatus.EXCEPTION)
    )
    assert await delayed(notifications) == [("o-late", "TN-o-late")]  # still once


async def test_a_lane_with_few_deliveries_or_a_delivered_parcel_predicts_nothing(
    notifications,
) -> None:
    await lane_history(notifications, "yun", [9] * 19)  # one short of a say
    await lane_history(notifications, "4px", [6] * 25)
    await notifications.deliver(topics.ORDERS, promised("o-yun", days=2))
    await notifications.deliver(topics.ORDERS, promised("o-here", days=2))
    await notifications.deliver(
        topics.FULFILLMENT_STATUS,
        status("o-yun", ShipmentStatus.SHIPPED, carrier="yun"),
        status("o-here", ShipmentStatus.SHIPPED),
    )
    await notifications.deliver(
        topics.FULFILLMENT_STATUS, status("o-here", ShipmentStatus.DELIVERED)
    )

    assert (
        await tell_predicted_delays(
            UnitOfWork(notifications.conn, "notifications"), FORECAST, caught_up()
        )
        == 0
    )
    arrived = await notifications.conn.fetchval(
        "SELECT delivered_at IS NOT NULL FROM transits WHERE shipment_id = 'o-here-s1'"
    )
    assert arrived


async def shipped_days_ago(notifications: DrivenService, order_id: str, days: float) -> None:
    await notifications.deliver(topics.FULFILLMENT_STATUS, status(order_id, ShipmentStatus.SHIPPED))
    await notifications.conn.execute(
        "UPDATE transits SET shipped_at = now() - make_interval(secs => $2) WHERE order_id = $1",
        order_id,
        days * 86400,
    )


async def test_a_parcel_slower_than_its_lanes_p90_is_told_before_the_promise_if_it_will_miss_it(
    notifications,
) -> None:
    await lane_history(notifications, "4px", [1] * 50 + [5] * 2)  # p90: 1 day; 2 slow ones: 5
    for order_id, out_days, promise_in_days in [
        ("o-stuck", 2, 1),  # out 2 days: its lane's slower ones took 5, after its promise
        ("o-slack", 2, 10),  # the same, but 5 days still keeps the promise
        ("o-young", 0.5, 1),  # within the lane's p90, which keeps the promise
        ("o-lost", 6, 10),  # slower than any the lane delivered: nothing says it makes it
    ]:
        await notifications.deliver(topics.ORDERS, promised(order_id, promise_in_days))
        await shipped_days_ago(notifications, order_id, out_days)

    assert (
        await tell_predicted_delays(
            UnitOfWork(notifications.conn, "notifications"), FORECAST, caught_up()
        )
        == 2
    )
    assert sorted(order_id for order_id, _ in await delayed(notifications)) == ["o-lost", "o-stuck"]


async def test_a_parcel_quiet_only_because_its_news_is_not_read_yet_is_not_told(
    notifications,
) -> None:
    await lane_history(notifications, "4px", [1] * 50 + [5] * 2)  # p90: 1 day
    await notifications.deliver(topics.ORDERS, promised("o-unread", 1))
    await shipped_days_ago(notifications, "o-unread", 2)  # out 2 days by the clock
    unit = UnitOfWork(notifications.conn, "notifications")
    shipped_at = await notifications.conn.fetchval(
        "SELECT shipped_at FROM transits WHERE order_id = 'o-unread'"
    )

    # The consumer is behind: the news is read up to half a day after it left, within its
    # lane's p90; what came since (its delivery, perhaps) waits on the topic.
    assert await tell_predicted_delays(unit, FORECAST, shipped_at + timedelta(days=0.5)) == 0
    assert await tell_predicted_delays(unit, FORECAST, None) == 0  # how far: not known yet
    assert await delayed(notifications) == []
    assert await tell_predicted_delays(unit, FORECAST, caught_up()) == 1  # quiet for real


async def test_a_transit_is_timed_by_the_news_not_by_when_it_was_read(notifications) -> None:
    await notifications.deliver(topics.ORDERS, promised("o-backlog", 10))
    news = [  # a backlog read in one batch: the parcel left 30 hours ago, arrived 6 ago
        Envelope.wrap(status("o-backlog", step), source="fulfillment", correlation_id="o-backlog")
        for step in (ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED)
    ]
    await notifications.redeliver(
        topics.FULFILLMENT_STATUS,
        *(
            envelope.model_copy(update={"occurred_at": datetime.now(UTC) - timedelta(hours=h)})
            for envelope, h in zip(news, (30, 6), strict=True)
        ),
    )

    transit_h = await notifications.conn.fetchval(
        "SELECT extract(epoch FROM delivered_at - shipped_at) / 3600 FROM transits"
        " WHERE order_id = 'o-backlog'"
    )
    assert round(transit_h) == 24  # read together, a day apart


async def test_a_lane_is_not_judged_by_its_first_arrivals_while_most_are_on_their_way(
    notifications,
) -> None:
    """Parcels that left together (a sale): the first 25 arrived in a day; 30 are out a little
    longer. Their lane's p90 is not known yet: not a day (the fastest), so none of them is
    'slower than nine in ten' of it."""
    await lane_history(notifications, "4px", [1] * 25)
    for n in range(30):
        await notifications.deliver(topics.ORDERS, promised(f"o-sale-{n}", 1))
        await shipped_days_ago(notifications, f"o-sale-{n}", 1.2)
    unit = UnitOfWork(notifications.conn, "notifications")

    assert await tell_predicted_delays(unit, FORECAST, caught_up()) == 0
    assert await delayed(notifications) == []
