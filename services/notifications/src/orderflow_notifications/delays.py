"""Proactive delay: a customer hears their parcel will be late before the promise is missed. A
shipment on its way is predicted late when its lane (carrier, destination country) delivers
its p90 later than the order's promised delivery, or, once it is out longer than that p90
(slower than nine in ten of its lane), when the lane's deliveries that took longer than it has
been out arrive, at their median, after the promise (or none took that long): from the lane's
own recent deliveries, as notifications heard them. How long a parcel has been out is counted
to the time notifications has read the carrier's news up to (`news_up_to`), never further, less
how late the lane's 'delivered' news usually reaches it: a 'delivered' waiting on the topic
behind a backlog, or still on its way to us from the carrier, is not a parcel gone quiet. With
replicas, each checks only the parcels whose news comes on the partitions it owns, to the time
it has read those up to: no other replica can know whether their news has come."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import asyncpg
import structlog
from orderflow_runtime import OwnedPartitions, UnitOfWork

from orderflow_notifications import store

log = structlog.get_logger()


@dataclass(frozen=True)
class DelayForecast:
    quantile: float = 0.9
    min_samples: int = 20  # a lane with fewer deliveries says too little
    history_days: float = 30
    # A parcel counts as out only up to the news read less this quantile of how late its lane's
    # 'delivered' news came: one in a hundred comes later than that.
    news_lag_quantile: float = 0.99


DEFAULT_FORECAST = DelayForecast()


async def tell_own_predicted_delays(
    uow: UnitOfWork,
    forecast: DelayForecast,
    owned: OwnedPartitions | None,
    merge_window_s: float = 0,
) -> int:
    """The parcels whose carrier news (keyed by order) comes on the partitions `owned` here,
    counted to the earliest time those are read up to, as one process reading all of them
    always was; the others are left to the replica owning theirs (their 'delivered' may wait,
    unread, on its lagging partition). None: none owned here (not assigned yet, or more
    replicas than partitions): nothing to tell until some are."""
    if owned is None:
        return 0
    return await _tell(uow, forecast, owned.earliest, owned.owns, merge_window_s)


async def tell_predicted_delays(
    uow: UnitOfWork,
    forecast: DelayForecast,
    news_up_to: datetime | None,
    merge_window_s: float = 0,
) -> int:
    """Every parcel, each counted to `news_up_to`: the time up to which the shipments' news is
    applied (caught up: when its last fetch was answered; else the last record it applied);
    None when unknown: no parcel counts as out longer than its lane's p90, only the p90 itself
    against the promise speaks. For a process that reads all of the news."""
    return await _tell(uow, forecast, news_up_to, lambda _order: True, merge_window_s)


async def _tell(
    uow: UnitOfWork,
    forecast: DelayForecast,
    news_up_to: datetime | None,
    tells_of: Callable[[str], bool],
    merge_window_s: float,
) -> int:
    """The late parcels of the orders this process `tells_of`; the lanes are judged over all."""
    predicted = await store.predicted_late(
        uow.conn,
        forecast.quantile,
        forecast.min_samples,
        forecast.history_days,
        news_up_to,
        forecast.news_lag_quantile,
    )
    late = [shipment for shipment in predicted if tells_of(shipment["order_id"])]
    for shipment in late:
        _log_forecast(shipment, news_up_to)
    news = [
        store.News(
            order_id=shipment["order_id"],
            shipment_id=shipment["shipment_id"],
            kind="delayed",
            correlation_id=shipment["correlation_id"],
            carrier=shipment["carrier"],
            tracking_number=shipment["tracking_number"],
        )
        for shipment in late
    ]
    return len(await store.queue(uow.conn, news, merge_window_s)) if news else 0


def _log_forecast(shipment: asyncpg.Record, news_up_to: datetime | None) -> None:
    log.info(
        "notification.predicted_late",
        correlation_id=shipment["correlation_id"],
        order_id=shipment["order_id"],
        shipment_id=shipment["shipment_id"],
        carrier=shipment["carrier"],
        expected_by=(shipment["expected_by"].isoformat() if shipment["expected_by"] else "unknown"),
        overdue=shipment["overdue"],
        out_h=round(shipment["out_s"] / 3600, 2),
        news_lag_s=round(shipment["news_lag_s"], 1),
        news_up_to=news_up_to.isoformat() if news_up_to else "unknown",
        promised_by=shipment["deliver_by"].isoformat(),
        lane_transit_h=round(shipment["transit_s"] / 3600, 1),
        lane_samples=shipment["samples"],
    )
