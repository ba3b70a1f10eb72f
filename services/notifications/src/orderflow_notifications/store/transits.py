"""Each shipment's way per lane, and what it predicts."""

from dataclasses import dataclass
from datetime import datetime

import asyncpg


@dataclass(frozen=True)
class Departure:
    shipment_id: str
    order_id: str
    carrier: str
    tracking_number: str
    correlation_id: str
    shipped_at: datetime


@dataclass(frozen=True)
class Arrival:
    shipment_id: str
    delivered_at: datetime


async def note_transits(
    conn: asyncpg.Connection, departed: list[Departure], arrived: list[Arrival]
) -> None:
    """Shipments that left and shipments that arrived, at the time the news says (not when it
    was read: a backlog read at once would make its transits look long or short): each lane's
    transit times."""
    if departed:
        await _note_departures(conn, departed)
    if arrived:
        await _note_arrivals(conn, arrived)


async def _note_departures(conn: asyncpg.Connection, departed: list[Departure]) -> None:
    await conn.execute(
        "INSERT INTO transits"
        " (shipment_id, order_id, carrier, tracking_number, correlation_id, shipped_at)"
        " SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],"
        "  $6::timestamptz[])"
        " ON CONFLICT (shipment_id) DO NOTHING",
        [d.shipment_id for d in departed],
        [d.order_id for d in departed],
        [d.carrier for d in departed],
        [d.tracking_number for d in departed],
        [d.correlation_id for d in departed],
        [d.shipped_at for d in departed],
    )


async def _note_arrivals(conn: asyncpg.Connection, arrived: list[Arrival]) -> None:
    await conn.execute(
        "UPDATE transits t SET delivered_at = a.delivered_at, delivery_heard_at = now()"
        " FROM unnest($1::text[], $2::timestamptz[]) AS a(shipment_id, delivered_at)"
        " WHERE t.shipment_id = a.shipment_id AND t.delivered_at IS NULL",
        [a.shipment_id for a in arrived],
        [a.delivered_at for a in arrived],
    )


# A lane's `quantile` transit from its parcels of the last `history_days`, as survival data
# (Kaplan-Meier): a delivered one took its transit; one still on its way has taken at least its
# time out so far (to `$4`, the news read) and is at risk of arriving until then. Counting only
# deliveries, a lane whose parcels left together (a sale, a young lane) is judged by its fastest,
# the first to arrive, and a parcel a little slower than them looks overdue; here the lane says
# nothing until enough of its parcels arrived for the quantile to be known. Parameters: $1
# quantile, $2 min deliveries, $3 history days, $4 news read up to (NULL: unknown).
_LANE_QUANTILES = (
    "observed AS (SELECT t.carrier, c.country, t.delivered_at IS NOT NULL AS arrived,"
    "  extract(epoch FROM coalesce(t.delivered_at, $4::timestamptz, t.shipped_at)"
    "   - t.shipped_at) AS took_s"
    "  FROM transits t JOIN contacts c USING (order_id)"
    "  WHERE coalesce(t.delivered_at, t.shipped_at)"
    "   > now() - make_interval(secs => $3::float8 * 86400)),"
    " at_risk AS (SELECT *, count(*) OVER (PARTITION BY carrier, country"
    "   ORDER BY took_s DESC, arrived ROWS UNBOUNDED PRECEDING) AS n FROM observed),"
    " surviving AS (SELECT carrier, country, took_s,"
    "  exp(sum(ln(greatest(1 - 1.0 / n, 1e-12))) OVER (PARTITION BY carrier, country"
    "   ORDER BY took_s, n DESC ROWS UNBOUNDED PRECEDING)) AS share"
    "  FROM at_risk WHERE arrived),"
    " lanes AS (SELECT carrier, country, count(*) AS samples,"
    "  min(took_s) FILTER (WHERE share <= 1 - $1::float8 + 1e-9) AS transit_s"
    "  FROM surviving GROUP BY 1, 2 HAVING count(*) >= $2"
    "  AND min(took_s) FILTER (WHERE share <= 1 - $1::float8 + 1e-9) IS NOT NULL)"
)


# How late each lane's 'delivered' news reaches us: the `$5` quantile of how long after its
# parcel arrived each of the lane's last NEWS_LAG_DELIVERIES deliveries was heard (of the last
# $3 days). The last ones, so that a backlog read after an outage stops counting once the
# lane's news flows again.
NEWS_LAG_DELIVERIES = 100
_LANE_NEWS_LAGS = (
    "heard AS (SELECT t.carrier, c.country,"
    "  extract(epoch FROM t.delivery_heard_at - t.delivered_at) AS lag_s,"
    "  row_number() OVER (PARTITION BY t.carrier, c.country"
    "   ORDER BY t.delivery_heard_at DESC) AS recency"
    "  FROM transits t JOIN contacts c USING (order_id)"
    "  WHERE t.delivery_heard_at IS NOT NULL"
    "  AND t.delivered_at > now() - make_interval(secs => $3::float8 * 86400)),"
    " news_lags AS (SELECT carrier, country, greatest(percentile_cont($5::float8) WITHIN GROUP"
    f"  (ORDER BY lag_s), 0) AS lag_s FROM heard WHERE recency <= {NEWS_LAG_DELIVERIES}"
    "  GROUP BY 1, 2)"
)


async def predicted_late(
    conn: asyncpg.Connection,
    quantile: float,
    min_samples: int,
    history_days: float,
    news_up_to: datetime | None,
    news_lag_quantile: float,
) -> list[asyncpg.Record]:
    """Shipments on their way that will arrive after their order's promise, while the promise
    still lies ahead, and whose customer has not heard of a delay yet. A shipment is expected by
    its lane's `quantile` transit (over the lane's parcels of the last `history_days`, with at
    least `min_samples` delivered, those still on their way counted as out so far: see
    _LANE_QUANTILES); once it is out longer than that, it is slower than most of its lane
    and expected by the median of the lane's deliveries that took longer than it has been out,
    and where none did, nothing says it will make it: it is predicted late (`expected_by`
    NULL). How long it has been out (`out_s`) is counted to `news_up_to`, the time up to which
    the carrier's news is read, never to the clock, less how late the lane's 'delivered' news
    reaches us (`news_lag_s`, its `news_lag_quantile`: see _LANE_NEWS_LAGS): a delivery on its
    way to us is not silence. None (not known): out for no time, so only the lane's p90
    speaks."""
    return list(
        await conn.fetch(
            f"WITH {_LANE_QUANTILES}, {_LANE_NEWS_LAGS},"
            " on_the_way AS (SELECT t.*, c.country, c.deliver_by, l.samples, l.transit_s,"
            "  coalesce(g.lag_s, 0) AS news_lag_s, greatest(extract(epoch FROM"
            "   coalesce($4::timestamptz, t.shipped_at) - t.shipped_at) - coalesce(g.lag_s, 0), 0)"
            "  AS out_s"
            "  FROM transits t JOIN contacts c USING (order_id)"
            "  JOIN lanes l ON l.carrier = t.carrier AND l.country = c.country"
            "  LEFT JOIN news_lags g ON g.carrier = t.carrier AND g.country = c.country"
            "  WHERE t.delivered_at IS NULL AND c.deliver_by > now()"
            "  AND NOT EXISTS (SELECT 1 FROM notifications n"
            "   WHERE n.shipment_id = t.shipment_id AND n.kind = 'delayed')),"
            " expected AS (SELECT w.*, w.out_s > w.transit_s AS overdue,"
            "  w.shipped_at + make_interval(secs => CASE WHEN w.out_s <= w.transit_s"
            "   THEN w.transit_s ELSE slower.transit_s END) AS expected_by"
            "  FROM on_the_way w LEFT JOIN LATERAL (SELECT percentile_cont(0.5) WITHIN GROUP"
            "   (ORDER BY extract(epoch FROM h.delivered_at - h.shipped_at)) AS transit_s"
            "   FROM transits h JOIN contacts hc USING (order_id)"
            "   WHERE w.out_s > w.transit_s AND h.carrier = w.carrier AND hc.country = w.country"
            "   AND h.delivered_at > now() - make_interval(secs => $3::float8 * 86400)"
            "   AND h.delivered_at - h.shipped_at > make_interval(secs => w.out_s::float8)) slower ON true)"
            " SELECT * FROM expected WHERE expected_by IS NULL OR expected_by > deliver_by",
            quantile,
            min_samples,
            history_days,
            news_up_to,
            news_lag_quantile,
        )
    )


async def lane_transits(
    conn: asyncpg.Connection, min_samples: int, history_days: float
) -> dict[tuple[str, str], tuple[float, float]]:
    """Each lane's (carrier, destination country) p50 and p90 transit in seconds, over its
    deliveries of the last `history_days`, for the lanes with at least `min_samples`."""
    rows = await conn.fetch(
        "SELECT t.carrier, c.country, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP"
        "  (ORDER BY extract(epoch FROM t.delivered_at - t.shipped_at)) AS transit_s"
        " FROM transits t JOIN contacts c USING (order_id)"
        " WHERE t.delivered_at > now() - make_interval(secs => $2::float8 * 86400)"
        " GROUP BY 1, 2 HAVING count(*) >= $1",
        min_samples,
        history_days,
    )
    return {(row["carrier"], row["country"]): tuple(row["transit_s"]) for row in rows}


async def departures(conn: asyncpg.Connection, shipment_ids: list[str]) -> list[asyncpg.Record]:
    """When each of these shipments left, with its lane; those whose contact (and so their
    destination) is not known yet are left out."""
    return list(
        await conn.fetch(
            "SELECT t.shipment_id, t.carrier, c.country, t.shipped_at"
            " FROM transits t JOIN contacts c USING (order_id)"
            " WHERE t.shipment_id = ANY($1::text[])",
            shipment_ids,
        )
    )


async def set_expected_arrivals(
    conn: asyncpg.Connection, expected: dict[str, tuple[datetime, datetime]]
) -> None:
    """The expected delivery of 'shipped' news queued before it was known."""
    await conn.execute(
        "UPDATE notifications n SET eta_first = e.first, eta_last = e.last"
        " FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS e(shipment_id, first, last)"
        " WHERE n.shipment_id = e.shipment_id AND n.kind = 'shipped' AND n.status = 'pending'",
        list(expected),
        [first for first, _ in expected.values()],
        [last for _, last in expected.values()],
    )
