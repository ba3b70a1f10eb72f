"""Field types the channel payload models share: money, ISO codes and instants. Each checks and
normalises its value where the payload is validated, so an error names the payload's own field.

Instants become timezone-aware UTC. A timestamp without a zone is never read as the machine's
local time: each channel says what it means (Amazon documents UTC, AliExpress US Pacific time),
and where a channel always sends an offset (Shopify) a missing one is refused."""

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from orderflow_intake.adapters.base import PayloadProblem
from orderflow_intake.adapters.iso import COUNTRIES, CURRENCIES, minor_units

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
RANGE = "from 2000-01-01T00:00:00Z up to, not including, 2100-01-01T00:00:00Z"
UNIX_RANGE = "from 946684800 (2000-01-01) up to, not including, 4102444800 (2100-01-01)"

# --- money ---------------------------------------------------------------------------------

Amount = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 12)]


def _currency_code(value: object) -> object:
    if not isinstance(value, str):
        return value
    code = value.strip().upper()
    if code not in CURRENCIES:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code")
    return code


CurrencyCode = Annotated[str, BeforeValidator(_currency_code)]


def exact_minor_units(amount: Decimal, currency: str, field: str) -> Decimal:
    """The amount in the currency's minor unit, refused (PayloadProblem naming the field) when
    it is finer than that: 25.99 JPY is no JPY amount (JPY has no minor unit) and is never
    rounded to 26; 19.950 USD is 19.95."""
    exact = in_minor_units(amount, currency)
    if exact != amount:
        places = minor_units(currency)
        raise PayloadProblem(
            field,
            f"{amount} {currency} is finer than {currency}'s minor unit ({places} decimal"
            f" places, ISO 4217): refused, not rounded",
        )
    return exact


def in_minor_units(amount: Decimal, currency: str) -> Decimal:
    """Rounded half up to the currency's smallest unit: 3.333 USD -> 3.33, 1234.5 JPY -> 1235."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


# --- countries and languages ---------------------------------------------------------------


def country_code(value: object) -> object:
    """ISO 3166-1 alpha-2, upper case; a missing country is "" (intake holds such an order)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    code = value.strip().upper()
    if code and code not in COUNTRIES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return code


CountryCode = Annotated[str, BeforeValidator(country_code)]

# The language a buyer most likely reads, where the channel does not say it: by destination.
_LANGUAGE_BY_COUNTRY = {
    **dict.fromkeys(("CN", "TW", "HK", "MO"), "zh"),
    **dict.fromkeys(("DE", "AT", "LI"), "de"),
    **dict.fromkeys(("FR", "MC", "LU"), "fr"),
    **dict.fromkeys(("ES", "MX", "AR", "CO", "CL", "PE", "UY", "EC", "VE", "BO", "PY"), "es"),
    **dict.fromkeys(("BR", "PT", "AO", "MZ"), "pt"),
    **dict.fromkeys(("SA", "AE", "EG", "QA", "KW", "BH", "OM", "JO", "MA", "DZ", "TN"), "ar"),
    "JP": "ja",
    "ID": "id",
    "TH": "th",
    "VN": "vi",
}


def language_for_country(country: str) -> str:
    """Where no language is given, the destination's; English elsewhere (Singapore, Malaysia
    and the Philippines included: their marketplaces' default)."""
    return _LANGUAGE_BY_COUNTRY.get(country, "en")


# --- instants ------------------------------------------------------------------------------


def _checked_utc(moment: datetime) -> datetime:
    try:
        utc = moment.astimezone(UTC)
    except OverflowError as error:
        raise ValueError(f"timestamp out of range: expected {RANGE}") from error
    if not EARLIEST <= utc < LATEST:
        raise ValueError(f"timestamp {utc.isoformat()} out of range: expected {RANGE}")
    return utc


def _zone_required(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("timestamp has no time zone")
    return _checked_utc(moment)


def _naive_is_utc(moment: datetime) -> datetime:
    return _checked_utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _second_sunday_of_march(year: int) -> datetime:
    first = datetime(year, 3, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7)


def _first_sunday_of_november(year: int) -> datetime:
    first = datetime(year, 11, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7)


def us_pacific_to_utc(local: datetime) -> datetime:
    """US Pacific wall-clock time (the rules in force since 2007) as UTC. In the repeated hour
    of November the earlier, daylight-saving reading is taken."""
    daylight_from = _second_sunday_of_march(local.year) + timedelta(hours=2)
    daylight_until = _first_sunday_of_november(local.year) + timedelta(hours=2)
    offset = timedelta(hours=-7 if daylight_from <= local < daylight_until else -8)
    try:
        return _checked_utc((local - offset).replace(tzinfo=UTC))
    except OverflowError as error:
        raise ValueError(f"timestamp out of range: expected {RANGE}") from error


def _naive_is_us_pacific(moment: datetime) -> datetime:
    return _checked_utc(moment) if moment.tzinfo else us_pacific_to_utc(moment)


ZonedTimestamp = Annotated[datetime, AfterValidator(_zone_required)]
UtcTimestamp = Annotated[datetime, AfterValidator(_naive_is_utc)]
UsPacificTimestamp = Annotated[datetime, AfterValidator(_naive_is_us_pacific)]


def _unix_seconds(value: object) -> object:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("expected whole unix seconds")
    if not EARLIEST.timestamp() <= value < LATEST.timestamp():
        raise ValueError(f"unix seconds {value} out of range: expected {UNIX_RANGE}")
    return datetime.fromtimestamp(value, UTC)


def _unix_seconds_or_unset(value: object) -> object:
    unset = value is None or (type(value) is int and value == 0)
    return None if unset else _unix_seconds(value)


UnixTime = Annotated[datetime, BeforeValidator(_unix_seconds)]
UnixTimeOrUnset = Annotated[datetime | None, BeforeValidator(_unix_seconds_or_unset)]
"""Channels send 0 for a deadline that is not set yet (e.g. before payment)."""
