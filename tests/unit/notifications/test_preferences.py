"""Quiet hours in the customer's own time zone, and what they opted out of."""

from datetime import UTC, datetime
from typing import Any

from orderflow_notifications.preferences import QuietHours, hold_for, zone_of

TOKYO = zone_of("JP")


def test_a_destination_country_gives_the_zone_and_the_customers_own_wins() -> None:
    assert zone_of("jp").key == "Asia/Tokyo"
    assert zone_of("JP", "Europe/Berlin").key == "Europe/Berlin"
    assert zone_of("JP", "Mars/Olympus").key == "Asia/Tokyo"  # not a zone: the country's
    assert zone_of("XX").key == "UTC"


def test_quiet_hours_across_midnight_end_the_next_local_morning() -> None:
    night = QuietHours(21, 8)
    at_23_tokyo = datetime(2026, 12, 5, 14, 0, tzinfo=UTC)  # 23:00 in Tokyo
    until = night.until(at_23_tokyo, TOKYO)
    assert until is not None
    assert until.astimezone(UTC) == datetime(2026, 12, 5, 23, 0, tzinfo=UTC)  # 08:00 Tokyo
    at_03_tokyo = datetime(2026, 12, 5, 18, 0, tzinfo=UTC)
    assert night.until(at_03_tokyo, TOKYO) == until
    assert night.until(datetime(2026, 12, 5, 3, 0, tzinfo=UTC), TOKYO) is None  # noon


def test_quiet_hours_within_a_day() -> None:
    lunch = QuietHours(12, 14)
    assert lunch.until(datetime(2026, 12, 5, 4, 30, tzinfo=UTC), TOKYO) is not None  # 13:30
    assert lunch.until(datetime(2026, 12, 5, 5, 0, tzinfo=UTC), TOKYO) is None  # 14:00


def row(**preferences: Any) -> Any:  # a leased row, as the store returns it
    return {
        "id": 7,
        "attempts": 0,
        "kind": "shipped",
        "country": "JP",
        "opted_out": None,
        "kinds_off": None,
        "time_zone": None,
        "quiet_from": None,
        "quiet_until": None,
        "seller_quiet_from": None,
        "seller_quiet_until": None,
        "unsubscribed_at": None,
        **preferences,
    }


NOON_TOKYO = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
MIDNIGHT_TOKYO = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)


def test_no_preferences_no_hold() -> None:
    assert hold_for(row(), MIDNIGHT_TOKYO) is None


def test_an_opted_out_customer_is_suppressed_for_good() -> None:
    everything = hold_for(row(opted_out=True), NOON_TOKYO)
    assert everything is not None and everything.until is None
    assert "opted out of all" in everything.reason
    shipped_off = hold_for(row(kinds_off=["shipped"]), NOON_TOKYO)
    assert shipped_off is not None and "'shipped'" in shipped_off.reason
    assert hold_for(row(kinds_off=["delivered"]), NOON_TOKYO) is None


def test_the_sellers_quiet_hours_unless_the_customer_has_their_own() -> None:
    seller_night = row(seller_quiet_from=22, seller_quiet_until=7)
    postponed = hold_for(seller_night, MIDNIGHT_TOKYO)
    assert postponed is not None and postponed.until is not None
    assert "Asia/Tokyo until 07:00" in postponed.reason
    own = row(seller_quiet_from=22, seller_quiet_until=7, quiet_from=2, quiet_until=4)
    assert hold_for(own, MIDNIGHT_TOKYO) is None
    in_berlin = row(seller_quiet_from=22, seller_quiet_until=7, time_zone="Europe/Berlin")
    assert hold_for(in_berlin, MIDNIGHT_TOKYO) is None  # 16:00 in Berlin
