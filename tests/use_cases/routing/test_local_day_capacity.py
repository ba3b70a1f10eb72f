"""A location's capacity counts per its own day: shipments planned just before its midnight
count against that day, and just after it the location starts a new day, whatever UTC's date
is (Shenzhen's midnight is 16:00 UTC, Ontario's 08:00 UTC)."""

from datetime import UTC, datetime

from orderflow_routing import domain, store, use_cases
from orderflow_routing.reference import ReferenceData
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import accepted


def site(location_id: str, country: str, timezone: str) -> dict:
    return {"location_id": location_id, "country": country, "timezone": timezone,
            "capacity_per_day": 1}  # fmt: skip


NETWORK = domain.Network(
    ReferenceData.model_validate(
        {
            "locations": [
                site("cn-shenzhen", "CN", "Asia/Shanghai"),
                site("us-ontario", "US", "America/Los_Angeles"),
            ],
            "services": [
                {
                    "carrier": "ups",
                    "service": "ground",
                    "locations": ["cn-shenzhen", "us-ontario"],
                    "lanes": [
                        {
                            "origin": origin,
                            "destination": "US",
                            "transit_p50_days": 3,
                            "transit_p90_days": 5,
                            "rates": {"base": "5", "max_weight_grams": 30000},
                        }
                        for origin in ("CN", "US")
                    ],
                },
            ],
        }
    )
)


async def plan_at(routing: DrivenService, order_id: str, location: str, now: datetime) -> str:
    """Plan one order held only at `location` at `now`, as the service does: today's load of
    each location's own day, then the decision recorded. Returns where it shipped from, or
    the reason it did not."""
    event = accepted(order_id, ("MUG-RED", 1), country="US")
    await store.remember_orders(routing.conn, [event])
    load = await store.used_today(routing.conn, NETWORK.local_days(now))
    stock = {("MUG-RED", location): 5}
    # The replica's word final (no plan sent on it unconfirmed): these tests are about capacity.
    outcome = use_cases._decide(event, 1, NETWORK, stock, now, load, confirmed=None)
    await store.record_decisions(routing.conn, [(order_id, 1, outcome)])
    if outcome.plan is None:
        return outcome.reason
    return ",".join(s.location_id for s in outcome.plan.shipments)


async def test_shenzhen_starts_a_new_day_at_its_midnight_not_utcs(routing: DrivenService) -> None:
    before_midnight = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)  # 23:30 in Shenzhen
    just_before = datetime(2026, 12, 1, 15, 50, tzinfo=UTC)
    after_midnight = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 00:30, UTC still the 1st

    assert await plan_at(routing, "o-1", "cn-shenzhen", before_midnight) == "cn-shenzhen"
    assert "at capacity today: cn-shenzhen" in await plan_at(
        routing, "o-2", "cn-shenzhen", just_before
    )
    assert await plan_at(routing, "o-3", "cn-shenzhen", after_midnight) == "cn-shenzhen"


async def test_ontario_keeps_its_day_after_utcs_midnight(routing: DrivenService) -> None:
    evening = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 15:30 in Ontario on the 1st
    after_utc_midnight = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)  # 23:30 there, the 1st still
    after_its_midnight = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)  # 00:30 on the 2nd there

    assert await plan_at(routing, "o-1", "us-ontario", evening) == "us-ontario"
    assert "at capacity today: us-ontario" in await plan_at(
        routing, "o-2", "us-ontario", after_utc_midnight
    )
    assert await plan_at(routing, "o-3", "us-ontario", after_its_midnight) == "us-ontario"
    load = await routing.conn.fetch("SELECT day::text, shipments FROM location_load ORDER BY day")
    assert [(row["day"], row["shipments"]) for row in load] == [
        ("2026-12-01", 1),
        ("2026-12-02", 1),
    ]
