"""When a parcel is expected: between its lane's (carrier, destination country) p50 and p90
transit after it left, as the lane's recent deliveries tell. The lanes are read at most once a
`max_age_s`: a lane changes over days, and reading them sorts every recent delivery (57 ms for
19,000 of them), too much for every consumed batch that holds a departure."""

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import asyncpg

from orderflow_notifications import store
from orderflow_notifications.delays import DEFAULT_FORECAST, DelayForecast


@dataclass
class LaneTransits:
    forecast: DelayForecast = DEFAULT_FORECAST  # which lanes say enough
    max_age_s: float = 60
    _lanes: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    _read_at: float = -float("inf")

    async def expected(
        self, conn: asyncpg.Connection, shipment_ids: list[str]
    ) -> dict[str, tuple[datetime, datetime]]:
        """The first and last moment each shipment is expected, for those whose lane says
        enough and whose destination is known."""
        if not shipment_ids:
            return {}
        departed = await store.departures(conn, shipment_ids)
        if departed and time.monotonic() - self._read_at > self.max_age_s:
            self._lanes = await store.lane_transits(
                conn, self.forecast.min_samples, self.forecast.history_days
            )
            self._read_at = time.monotonic()
        expected = {}
        for row in departed:
            if lane := self._lanes.get((row["carrier"], row["country"])):
                first_s, last_s = lane
                expected[row["shipment_id"]] = (
                    row["shipped_at"] + timedelta(seconds=first_s),
                    row["shipped_at"] + timedelta(seconds=last_s),
                )
        return expected
