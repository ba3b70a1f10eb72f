"""A location's cut-off is its own local time, and a carrier counting business days neither
collects nor delivers on Saturdays and Sundays: an order placed on a Friday after the cut-off
leaves on Monday, and its p90 arrival counts only business days."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from orderflow_routing import costs
from orderflow_routing.domain import Network
from orderflow_routing.reference import CarrierService, ReferenceData

FRIDAY_AFTER_CUTOFF = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)  # 16:30 in Berlin


def card() -> dict:
    return {"bands": [{"up_to_grams": 5000, "price": "5.00"}], "max_weight_grams": 5000}


def service(name: str, transit_days: str) -> dict:
    return {
        "carrier": name,
        "service": "parcel",
        "locations": ["de-3pl"],
        "transit_days": transit_days,
        "lanes": [{"origin": "DE", "destination": "DE", "rates": card(),
                   "transit_p50_days": 1, "transit_p90_days": 2}],
    }  # fmt: skip


NETWORK = Network(
    ReferenceData.model_validate(
        {
            "locations": [
                {
                    "location_id": "de-3pl",
                    "country": "DE",
                    "timezone": "Europe/Berlin",
                    "cutoff": "15:00",
                },
                {
                    "location_id": "cn-shenzhen",
                    "country": "CN",
                    "timezone": "Asia/Shanghai",
                    "cutoff": "16:00",
                    "capacity_per_day": 10,
                },
                {
                    "location_id": "us-ontario",
                    "country": "US",
                    "timezone": "America/Los_Angeles",
                    "cutoff": "23:00",
                    "capacity_per_day": 10,
                },
            ],
            "services": [service("dhl", "business"), service("courier", "calendar")],
        }
    )
)


def quote_by(carrier: str, now: datetime, ship_by: datetime | None, deliver_by: datetime):
    [svc] = [s for s in NETWORK.data.services if s.carrier == carrier]
    assert isinstance(svc, CarrierService)
    order = costs.Order("shopify", "DE", "", now, ship_by, deliver_by)
    parcel = costs.parcel_of((), NETWORK.products)
    quoted = costs.quote(
        svc, svc.lanes[0], NETWORK.sites["de-3pl"], parcel, order, NETWORK.data.weights
    )
    assert isinstance(quoted, costs.Quote)
    return quoted


def test_an_order_placed_friday_after_the_cutoff_leaves_monday_and_arrives_by_wednesday() -> None:
    saturday_noon = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)
    tuesday = datetime(2026, 12, 8, 23, 0, tzinfo=UTC)
    quoted = quote_by("dhl", FRIDAY_AFTER_CUTOFF, saturday_noon, tuesday)

    assert quoted.ships_at == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # Monday 15:00 Berlin
    assert quoted.arrives_p50 == datetime(2026, 12, 8, 14, 0, tzinfo=UTC)  # Tuesday
    assert quoted.arrives_p90 == datetime(2026, 12, 9, 14, 0, tzinfo=UTC)  # Wednesday
    assert quoted.parts.lateness == Decimal("20") + Decimal("5")  # ship-by missed, a day late
    assert len(quoted.late) == 2


def test_a_calendar_day_service_collects_saturday_and_counts_every_day() -> None:
    saturday_evening = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)
    monday = datetime(2026, 12, 7, 23, 0, tzinfo=UTC)
    quoted = quote_by("courier", FRIDAY_AFTER_CUTOFF, saturday_evening, monday)

    assert quoted.ships_at == datetime(2026, 12, 5, 14, 0, tzinfo=UTC)  # Saturday 15:00
    assert quoted.arrives_p90 == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # Monday
    assert quoted.parts.lateness == 0 and quoted.late == ()


def test_friday_before_the_cutoff_leaves_friday_and_p90_skips_the_weekend() -> None:
    friday_morning = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    quoted = quote_by("dhl", friday_morning, None, datetime(2026, 12, 31, tzinfo=UTC))
    assert quoted.ships_at == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    assert quoted.arrives_p50 == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # Monday
    assert quoted.arrives_p90 == datetime(2026, 12, 8, 14, 0, tzinfo=UTC)  # Tuesday


def test_half_a_business_day_from_friday_evening_arrives_monday() -> None:
    friday_evening = datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
    monday_morning = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Saturday 08:00 is no arrival
    assert costs.arrival(friday_evening, 0.5, True) == monday_morning
    assert costs.arrival(friday_evening, 0.5, False) == friday_evening + timedelta(days=0.5)


def test_the_cutoff_is_the_locations_local_time_around_its_midnight() -> None:
    ontario = NETWORK.sites["us-ontario"]
    before_midnight = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)  # 23:30 on the 1st in Ontario
    after_midnight = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)  # 00:30 on the 2nd
    # 23:00 local passed: tomorrow's 23:00, the 2nd's; just after midnight: the same one.
    assert costs.ships_at(ontario, before_midnight) == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    assert costs.ships_at(ontario, after_midnight) == datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    shenzhen = NETWORK.sites["cn-shenzhen"]
    just_after = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 00:30 on the 2nd in Shenzhen
    assert costs.ships_at(shenzhen, just_after) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def test_each_locations_day_is_its_own_around_its_midnight() -> None:
    shanghai_before = datetime(2026, 12, 1, 15, 30, tzinfo=UTC)  # 23:30 on the 1st
    shanghai_after = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)  # 00:30 on the 2nd
    assert NETWORK.local_day("cn-shenzhen", shanghai_before) == date(2026, 12, 1)
    assert NETWORK.local_day("cn-shenzhen", shanghai_after) == date(2026, 12, 2)
    la_before = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)  # 23:30 on the 1st, UTC the 2nd
    assert NETWORK.local_day("us-ontario", la_before) == date(2026, 12, 1)
    assert NETWORK.local_days(la_before) == {
        "de-3pl": date(2026, 12, 2),
        "cn-shenzhen": date(2026, 12, 2),
        "us-ontario": date(2026, 12, 1),
    }


def test_a_promise_in_business_days_placed_friday_falls_on_tuesday() -> None:
    promises = [
        {"channel": "amazon", "days": 2, "business_days": True},
        {"channel": "shopify", "days": 2},
    ]
    network = Network(
        ReferenceData.model_validate(NETWORK.data.model_dump() | {"promises": promises})
    )
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
    assert network.promised("amazon", "DE", friday) == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert network.promised("shopify", "DE", friday) == datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)),
    transit_days=st.floats(min_value=0, max_value=40, allow_nan=False),
    zone=st.sampled_from(["UTC", "America/Toronto", "Europe/Berlin", "Asia/Shanghai"]),
)
def test_business_days_counted_arrive_where_walking_them_does(
    start: datetime, transit_days: float, zone: str
) -> None:
    leaves = start.replace(tzinfo=ZoneInfo(zone))
    whole, part = divmod(transit_days, 1)
    walked = leaves
    for _ in range(int(whole)):  # a day at a time, a weekend day on to Monday
        walked += timedelta(days=1)
        while walked.weekday() >= 5:
            walked += timedelta(days=1)
    walked += timedelta(days=part)
    while walked.weekday() >= 5:
        walked += timedelta(days=1)
    assert costs.arrival(leaves, transit_days, True) == walked
