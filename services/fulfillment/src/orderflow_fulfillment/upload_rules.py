"""What each marketplace accepts in a tracking upload: its own code for the carrier (the plan's,
from the seller's reference data, else the one below) and a tracking number in the carrier's
format. An upload that breaks either is held with the reason before the marketplace refuses it.
How long to wait before uploading again after a marketplace's answer that may change."""

import re
from dataclasses import dataclass
from datetime import timedelta

_COMMON = {
    "usps": "USPS",
    "ups": "UPS",
    "dhl": "DHL",
    "dpd": "DPD",
    "yunexpress": "YunExpress",
    "4px": "4PX",
    "sf-express": "SF Express",
}
# The marketplace's carrier names where they differ from the common ones.
CARRIER_CODES: dict[str, dict[str, str]] = {
    "amazon": _COMMON,
    "shopify": _COMMON | {"dhl": "DHL Express", "sf-express": "SF Express"},
    "tiktok": _COMMON | {"yunexpress": "YunExpress Logistics", "sf-express": "SF"},
    "shopee": _COMMON | {"4px": "4PX Express"},
    "aliexpress": _COMMON | {"yunexpress": "YANWEN_JYT", "4px": "4PX", "sf-express": "SF"},
}

TRACKING_FORMATS: dict[str, re.Pattern[str]] = {
    "usps": re.compile(r"9[2-5]\d{18,20}"),
    "ups": re.compile(r"1Z[0-9A-Z]{16}"),
    "dhl": re.compile(r"\d{10}|\d{12}|\d{20}|JJD\d{18}"),
    "dpd": re.compile(r"\d{14}"),
    "yunexpress": re.compile(r"YT\d{16}"),
    "4px": re.compile(r"4PX\d{10,16}"),
    "sf-express": re.compile(r"SF\d{12,13}"),
}

MAX_ATTEMPTS = 5
FIRST_RETRY = timedelta(seconds=30)


@dataclass(frozen=True)
class Upload:
    carrier_code: str
    problem: str  # empty: the marketplace should take it


def check(channel: str, carrier: str, planned_code: str, tracking_number: str) -> Upload:
    code = planned_code or CARRIER_CODES.get(channel, {}).get(carrier, "")
    if not tracking_number:
        return Upload(code, "no tracking number")
    pattern = TRACKING_FORMATS.get(carrier)
    if pattern is not None and not pattern.fullmatch(tracking_number):
        return Upload(code, f"{tracking_number} is not a {carrier} tracking number")
    if not code:
        return Upload(code, f"no {channel} code for carrier {carrier}")
    return Upload(code, "")


def retry_after(attempts: int) -> timedelta:
    """30 s after the first upload, doubling each time."""
    return FIRST_RETRY * int(2 ** max(attempts - 1, 0))
