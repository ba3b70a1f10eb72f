"""What a customer wants to hear, and when: opt-out (all, or some kinds) and quiet hours in their
own time zone. Their own choices win over the seller's defaults; a customer with no time zone of
their own is in the one most people of their destination country live in."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import asyncpg

from orderflow_notifications.unsubscribe import OPTIONAL_KINDS

# The zone of most of each destination's people (the first of zone.tab for one-zone countries).
ZONE_OF_COUNTRY = {
    "AE": "Asia/Dubai", "AR": "America/Argentina/Buenos_Aires", "AT": "Europe/Vienna",
    "AU": "Australia/Sydney", "BE": "Europe/Brussels", "BR": "America/Sao_Paulo",
    "CA": "America/Toronto", "CH": "Europe/Zurich", "CL": "America/Santiago",
    "CN": "Asia/Shanghai", "CO": "America/Bogota", "CZ": "Europe/Prague",
    "DE": "Europe/Berlin", "DK": "Europe/Copenhagen", "EG": "Africa/Cairo",
    "ES": "Europe/Madrid", "FI": "Europe/Helsinki", "FR": "Europe/Paris",
    "GB": "Europe/London", "GR": "Europe/Athens", "HK": "Asia/Hong_Kong",
    "HU": "Europe/Budapest", "ID": "Asia/Jakarta", "IE": "Europe/Dublin",
    "IL": "Asia/Jerusalem", "IN": "Asia/Kolkata", "IT": "Europe/Rome", "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul", "MX": "America/Mexico_City", "MY": "Asia/Kuala_Lumpur",
    "NL": "Europe/Amsterdam", "NO": "Europe/Oslo", "NZ": "Pacific/Auckland",
    "PE": "America/Lima", "PH": "Asia/Manila", "PL": "Europe/Warsaw", "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest", "SA": "Asia/Riyadh", "SE": "Europe/Stockholm",
    "SG": "Asia/Singapore", "TH": "Asia/Bangkok", "TR": "Europe/Istanbul",
    "TW": "Asia/Taipei", "UA": "Europe/Kyiv", "US": "America/New_York",
    "VN": "Asia/Ho_Chi_Minh", "ZA": "Africa/Johannesburg",
}  # fmt: skip


def zone_of(country: str, own: str | None = None) -> ZoneInfo:
    for name in (own, ZONE_OF_COUNTRY.get(country.upper())):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


@dataclass(frozen=True)
class QuietHours:
    """From `start` to `end` o'clock local time, across midnight when `end` <= `start`."""

    start: int
    end: int

    def until(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """When the quiet hours around `now` end, or None when `now` is not in them."""
        local = now.astimezone(zone)
        hour = local.hour
        inside = (
            self.start <= hour < self.end
            if self.start < self.end
            else hour >= self.start or hour < self.end
        )
        if not inside:
            return None
        end = local.replace(hour=self.end, minute=0, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end


@dataclass(frozen=True)
class Hold:
    """A due notification not sent now: suppressed for good, or postponed to `until`."""

    notification_id: int
    attempt: int
    reason: str
    until: datetime | None = None  # None: suppressed


@dataclass(frozen=True)
class Suppression:
    """An entry of the suppression list: the kinds an unsubscribed customer no longer hears."""

    kinds: frozenset[str]
    since: datetime


def hold_for(
    row: asyncpg.Record, now: datetime, suppression: Suppression | None = None
) -> Hold | None:
    """Why `row` (a leased notification with its contact's and the seller's preferences, and
    its recipient's entry on the suppression list, if any) must not go out now, if it must
    not."""
    attempt = row["attempts"] + 1
    if row["opted_out"]:
        return Hold(row["id"], attempt, "the customer opted out of all messages")
    if row["kind"] in (row["kinds_off"] or ()):
        return Hold(row["id"], attempt, f"the customer opted out of '{row['kind']}' messages")
    if row["unsubscribed_at"] is not None and row["kind"] in OPTIONAL_KINDS:
        return Hold(
            row["id"],
            attempt,
            f"the customer unsubscribed (their link, {row['unsubscribed_at']:%Y-%m-%d}):"
            f" '{row['kind']}' is optional",
        )
    if suppression is not None and row["kind"] in suppression.kinds:  # their preferences erased
        return Hold(
            row["id"],
            attempt,
            f"the customer turned '{row['kind']}' messages off"
            f" ({suppression.since:%Y-%m-%d}, on the suppression list)",
        )
    quiet = _quiet_hours(row)
    if quiet is None:
        return None
    zone = zone_of(row["country"], row["time_zone"])
    until = quiet.until(now, zone)
    if until is None:
        return None
    return Hold(row["id"], attempt, f"quiet hours in {zone.key} until {until:%H:%M}", until)


def _quiet_hours(row: asyncpg.Record) -> QuietHours | None:
    if row["quiet_from"] is not None and row["quiet_until"] is not None:
        return QuietHours(row["quiet_from"], row["quiet_until"])
    if row["seller_quiet_from"] is not None and row["seller_quiet_until"] is not None:
        return QuietHours(row["seller_quiet_from"], row["seller_quiet_until"])
    return None
