from datetime import UTC, datetime

import pytest
from orderflow_contracts.setup import HandlingTime, SellerSetup
from orderflow_fulfillment.ship_by import HandlingTimes, after_business_days


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)  # 30 Nov 2026 is a Monday


@pytest.mark.parametrize(
    ("placed", "days", "ship_by"),
    [
        (at(30), 2, datetime(2026, 12, 2, 10, tzinfo=UTC)),  # Monday -> Wednesday
        (at(27), 2, datetime(2026, 12, 1, 10, tzinfo=UTC)),  # Friday -> Tuesday
        (at(28), 2, datetime(2026, 12, 1, 10, tzinfo=UTC)),  # Saturday -> Tuesday
        (at(29), 1, at(30)),  # Sunday -> Monday
        (at(30), 0, at(30)),  # the same day
    ],
)
def test_the_handling_time_counts_business_days(placed, days, ship_by):
    assert after_business_days(placed, days) == ship_by


def test_a_channel_without_a_handling_time_gets_two_business_days():
    times = HandlingTimes.from_setup(
        SellerSetup(handling_times=(HandlingTime(channel="shopify", business_days=3),))
    )
    assert times.ship_by("shopify", at(30)) == datetime(2026, 12, 3, 10, tzinfo=UTC)
    assert times.ship_by("walmart", at(30)) == datetime(2026, 12, 2, 10, tzinfo=UTC)
