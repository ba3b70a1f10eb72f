"""Pure intake rules: identity of an order, SKU mapping, screening. No I/O here."""

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path

from orderflow_contracts.intake import HoldReason
from orderflow_contracts.order import CanonicalOrder, OrderLine, merge_lines

from orderflow_intake.adapters import ChannelLine, ParsedOrder
from orderflow_intake.adapters.iso import COUNTRIES, minor_units
from orderflow_intake.totals import totals_reasons

_ORDER_NAMESPACE = uuid.UUID("5a4c1f0e-6b7d-4e0f-9a51-0f6c2d9b8e11")

REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "country")
# City-states: the address has no city line (Singapore: street, unit, "Singapore 018956"), so
# channels send none and none is required.
NO_CITY_COUNTRIES = frozenset({"SG", "HK", "MO", "MC", "VA", "GI"})


@dataclass(frozen=True)
class PostalCodeRules:
    """Country -> format of its postal codes; None for a country without postal codes. Rules
    are data: the packaged table, or an operator's file of the same shape."""

    formats: Mapping[str, re.Pattern[str] | None]

    @classmethod
    def from_json(cls, text: str) -> "PostalCodeRules":
        table = {k: v for k, v in json.loads(text).items() if not k.startswith("_")}
        return cls({country: re.compile(rule) if rule else None for country, rule in table.items()})

    @classmethod
    def load(cls, path: str | None) -> "PostalCodeRules":
        return cls.from_json(Path(path).read_text()) if path else packaged_postal_code_rules()

    def problem(self, country: str, postal_code: str) -> str | None:
        """Why this postal code cannot be right for this country, or None."""
        code = postal_code.strip().upper()
        if country in self.formats and self.formats[country] is None:
            return None
        if not code:
            return "missing postal code"
        rule = self.formats.get(country)
        if rule is not None and not rule.fullmatch(code):
            return f"{postal_code!r} is not a {country} postal code"
        return None


@cache
def packaged_postal_code_rules() -> PostalCodeRules:
    text = files("orderflow_intake").joinpath("rules/postal_codes.json").read_text()
    return PostalCodeRules.from_json(text)


def order_id_for(channel: str, external_id: str) -> str:
    """Stable: the same marketplace order always gets the same id, however often it arrives."""
    return str(uuid.uuid5(_ORDER_NAMESPACE, f"{channel}:{external_id}"))


Components = tuple[tuple[str, int], ...]  # (master SKU, units per listing unit), a bundle
Listing = tuple[str, int] | Components  # one master SKU x units, or its components


def components_of(listing: Listing) -> Components:
    if isinstance(listing[0], str):
        sku, units = listing
        return ((sku, units),)
    return listing


def listing_of(
    line: ChannelLine, listings: Mapping[str, Listing], by_item: Mapping[str, Listing]
) -> Listing | None:
    """A line is mapped by its seller SKU; one without (common on Shopee) by the channel's own
    id of what it sells."""
    if line.channel_sku.strip():
        return listings.get(line.channel_sku)
    return by_item.get(line.channel_item_id) if line.channel_item_id else None


def unmapped(channel: str, line: ChannelLine) -> str:
    """What an operator maps to release the line, in the words of the listings API."""
    if line.channel_sku.strip():
        return f"{channel} SKU {line.channel_sku!r} is not mapped"
    if line.channel_item_id:
        return (
            f"{channel} item {line.channel_item_id!r} has no seller SKU and is not mapped"
            f" (PUT /listings/{channel}/items/{line.channel_item_id})"
        )
    return f"a {channel} line has neither a seller SKU nor an item id: it cannot be mapped"


def canonicalise(
    parsed: ParsedOrder,
    listings: Mapping[str, Listing],
    postal_codes: PostalCodeRules | None = None,
    by_item: Mapping[str, Listing] | None = None,
) -> tuple[CanonicalOrder, list[HoldReason]]:
    """Map channel SKUs (or, for lines without one, the channel's item ids: `by_item`) to
    master SKUs (one line per master SKU) and screen the result. Unmapped lines are kept out of
    the canonical order and reported as a hold reason."""
    lines: list[OrderLine] = []
    reasons: list[HoldReason] = []
    unknown: list[str] = []
    places = minor_units(parsed.currency)
    for line in parsed.lines:
        listing = listing_of(line, listings, by_item or {})
        if listing is None:
            unknown.append(unmapped(parsed.channel, line))
            continue
        lines.extend(_master_lines(line, components_of(listing), places))
    if unknown:
        # One hold names every unmapped line, so one round of mapping and one release do.
        detail = "; ".join(dict.fromkeys(unknown))
        reasons.append(HoldReason(code="unknown_sku", detail=detail))
    reasons.extend(_address_reasons(parsed, postal_codes or packaged_postal_code_rules()))
    if not parsed.currency:
        reasons.append(
            HoldReason(
                code="unknown_currency",
                detail=f"the {parsed.channel} order tells no currency: its prices cannot be read",
            )
        )
    if not parsed.payment_captured:
        reasons.append(
            HoldReason(
                code="payment_not_captured", detail="the marketplace has not captured payment"
            )
        )
    order = CanonicalOrder(
        order_id=order_id_for(parsed.channel, parsed.external_id),
        channel=parsed.channel,
        external_id=parsed.external_id,
        customer=parsed.customer,
        ship_to=parsed.ship_to,
        lines=merge_lines(lines, places=places),
        currency=parsed.currency,
        placed_at=parsed.placed_at,
        ship_by=parsed.ship_by,
        deliver_by=parsed.deliver_by,
        order_number=parsed.order_number,
        totals=parsed.totals,
    )
    reasons.extend(totals_reasons(parsed))
    return order, reasons


def _master_lines(line: ChannelLine, components: Components, places: int) -> list[OrderLine]:
    """A listing unit's price is spread evenly over the master units it contains (the channel
    tells one price for a bundle, not one per component), in whole minor units that add up to
    the channel line's amount."""
    quantities = [line.quantity * per_unit for _, per_unit in components]
    totals = split_amount(line.amount, quantities, places)
    return [
        OrderLine(
            sku=sku,
            quantity=quantity,
            unit_price=(total / quantity).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP),
            line_total=total,
            properties=line.properties,
        )
        for (sku, _), quantity, total in zip(components, quantities, totals, strict=True)
    ]


def split_amount(amount: Decimal, weights: list[int], places: int) -> list[Decimal]:
    """The amount in shares proportional to the weights, each in whole minor units (`places`
    decimals), adding up to the amount rounded to the minor unit: the minor units that do not
    divide evenly go one each to the shares with the largest remainders (the first on a tie),
    so no cent is lost or invented. 10.00 over 1, 1, 1 -> 3.34, 3.33, 3.33."""
    minor = Decimal(1).scaleb(-places)
    minor_total = int(amount.scaleb(places).to_integral_value(ROUND_HALF_UP))
    whole = sum(weights)
    shares = [minor_total * weight // whole for weight in weights]
    by_remainder = sorted(
        range(len(weights)), key=lambda index: (-(minor_total * weights[index] % whole), index)
    )
    for index in by_remainder[: minor_total - sum(shares)]:
        shares[index] += 1
    return [share * minor for share in shares]


def _address_reasons(parsed: ParsedOrder, postal_codes: PostalCodeRules) -> list[HoldReason]:
    address = parsed.ship_to
    if address.country and address.country not in COUNTRIES:
        detail = f"{address.country!r} is not an ISO 3166-1 alpha-2 country code"
        return [HoldReason(code="unknown_country", detail=detail)]
    required = [
        name
        for name in REQUIRED_ADDRESS_FIELDS
        if not (name == "city" and address.country in NO_CITY_COUNTRIES)
    ]
    missing = [name for name in required if not getattr(address, name).strip()]
    problem = postal_codes.problem(address.country, address.postal_code)
    if problem == "missing postal code":
        missing.append("postal_code")
    if missing:
        return [HoldReason(code="incomplete_address", detail=f"missing {', '.join(missing)}")]
    if problem:
        return [HoldReason(code="postal_code_format", detail=problem)]
    return []
