"""Pure intake rules: identity of an order, SKU mapping, screening. No I/O here."""

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path

from orderflow_contracts.intake import HoldReason
from orderflow_contracts.order import CanonicalOrder, OrderLine, merge_lines

from orderflow_intake.adapters import ParsedOrder

_ORDER_NAMESPACE = uuid.UUID("5a4c1f0e-6b7d-4e0f-9a51-0f6c2d9b8e11")

REQUIRED_ADDRESS_FIELDS = ("name", "line1", "city", "country")


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


def canonicalise(
    parsed: ParsedOrder,
    listings: Mapping[str, Listing],
    postal_codes: PostalCodeRules | None = None,
) -> tuple[CanonicalOrder, list[HoldReason]]:
    """Map channel SKUs to master SKUs (one line per master SKU) and screen the result.
    Unmapped lines are kept out of the canonical order and reported as a hold reason."""
    lines: list[OrderLine] = []
    reasons: list[HoldReason] = []
    for line in parsed.lines:
        listing = listings.get(line.channel_sku)
        if listing is None:
            reasons.append(
                HoldReason(
                    code="unknown_sku",
                    detail=f"{parsed.channel} SKU {line.channel_sku!r} is not mapped",
                )
            )
            continue
        lines.extend(_master_lines(line.quantity, line.unit_price, components_of(listing)))
    reasons.extend(_address_reasons(parsed, postal_codes or packaged_postal_code_rules()))
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
        lines=merge_lines(lines),
        currency=parsed.currency,
        placed_at=parsed.placed_at,
        ship_by=parsed.ship_by,
    )
    return order, reasons


def _master_lines(quantity: int, unit_price: Decimal, components: Components) -> list[OrderLine]:
    """A listing unit's price is spread evenly over the master units it contains: the
    channel tells one price for a bundle, not one per component."""
    units = sum(per_unit for _, per_unit in components)
    return [
        OrderLine(sku=sku, quantity=quantity * per_unit, unit_price=unit_price / units)
        for sku, per_unit in components
    ]


def _address_reasons(parsed: ParsedOrder, postal_codes: PostalCodeRules) -> list[HoldReason]:
    address = parsed.ship_to
    missing = [name for name in REQUIRED_ADDRESS_FIELDS if not getattr(address, name).strip()]
    problem = postal_codes.problem(address.country, address.postal_code)
    if problem == "missing postal code":
        missing.append("postal_code")
    if missing:
        return [HoldReason(code="incomplete_address", detail=f"missing {', '.join(missing)}")]
    if problem:
        return [HoldReason(code="postal_code_format", detail=problem)]
    return []
