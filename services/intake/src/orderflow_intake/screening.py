"""Screening rules beyond the order's own shape, as data: restricted goods per destination and
probable duplicates. Pure: the caller brings the product attributes and the customer's recent
orders."""

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from orderflow_contracts.intake import HoldReason
from orderflow_contracts.order import CanonicalOrder, Customer
from orderflow_contracts.setup import Product

from orderflow_intake.domain import PostalCodeRules, packaged_postal_code_rules

# Reasons a re-screen computes again from the order and the rules: released, they come back
# unless the data changed. Other reasons (unroutable, cancel_after_shipment) are set by events.
SCREENING_CODES = frozenset(
    {
        "unknown_sku",
        "unknown_country",
        "unknown_currency",
        "incomplete_address",
        "postal_code_format",
        "payment_not_captured",
        "restricted_goods",
        "probable_duplicate",
        "totals_do_not_add_up",
    }
)
# An operator's judgement settles these for good: a released probable duplicate is not one.
# A released reparse_changed_lines ships the order as routed. Not restricted_goods: a release
# cannot make a carrier take banned goods; the product's attributes or the address are
# corrected, or the order is cancelled.
WAIVABLE_CODES = frozenset({"probable_duplicate", "reparse_changed_lines"})
# What POST /orders/{id}/waive settles with a reason: facts an operator can check outside
# intake (Shopify's manual capture: the payment is authorized and captured at shipment; an
# address that is deliverable as it stands; totals that do not add up, once the operator found
# in the channel's seller centre what the buyer paid, e.g. a fee or rebate intake does not
# read). Not the others: an unknown SKU is mapped, an
# unknown country or a bad address corrected, restricted goods cleared by correcting a wrongly
# flagged product or the address, else cancelled like an unknown currency (no reason makes a
# carrier take banned goods or a price readable), an unroutable or after-shipment hold released
# or cancelled.
OperatorWaivable = Literal[
    "payment_not_captured",
    "incomplete_address",
    "postal_code_format",
    "probable_duplicate",
    "totals_do_not_add_up",
]


@dataclass(frozen=True)
class RestrictedGoods:
    """Destination country -> product attributes that may not be shipped there."""

    by_country: Mapping[str, frozenset[str]]

    @classmethod
    def from_json(cls, text: str) -> "RestrictedGoods":
        table = {k: v for k, v in json.loads(text).items() if not k.startswith("_")}
        return cls({country.upper(): frozenset(attrs) for country, attrs in table.items()})

    @classmethod
    def load(cls, path: str | None) -> "RestrictedGoods":
        return cls.from_json(Path(path).read_text()) if path else packaged_restricted_goods()

    def reasons(
        self, order: CanonicalOrder, attributes: Mapping[str, frozenset[str]]
    ) -> list[HoldReason]:
        banned = self.by_country.get(order.ship_to.country.upper(), frozenset())
        found = sorted(
            f"{line.sku} ({', '.join(sorted(attributes.get(line.sku, frozenset()) & banned))})"
            for line in order.lines
            if attributes.get(line.sku, frozenset()) & banned
        )
        if not found:
            return []
        detail = f"may not ship to {order.ship_to.country}: {'; '.join(found)}"
        return [HoldReason(code="restricted_goods", detail=detail)]


@cache
def packaged_restricted_goods() -> RestrictedGoods:
    text = files("orderflow_intake").joinpath("rules/restricted_goods.json").read_text()
    return RestrictedGoods.from_json(text)


def items_of(order: CanonicalOrder) -> Counter[str]:
    return Counter({line.sku: line.quantity for line in order.lines})


def customer_key(channel: str, customer: Customer) -> str:
    """Who the buyer is, for probable duplicates: the e-mail wherever a channel shares it (so it
    matches across channels), else the channel's own buyer id (Shopee and AliExpress share no
    e-mail), which means something only within that channel. "" for an unknown buyer."""
    email = customer.email.strip().lower()
    if email:
        return email
    buyer_id = customer.buyer_id.strip()
    return f"{channel}:{buyer_id}" if buyer_id else ""


def duplicate_reason(
    order: CanonicalOrder, recent: Iterable[CanonicalOrder], window: timedelta
) -> HoldReason | None:
    """The same customer ordering the same items within the window: probably a double submit
    or a buyer who did not see the first confirmation."""
    customer = customer_key(order.channel, order.customer)
    if not customer or not order.lines or window <= timedelta(0):
        return None
    for other in recent:
        if (
            other.order_id != order.order_id
            and customer_key(other.channel, other.customer) == customer
            and abs(other.placed_at - order.placed_at) <= window
            and items_of(other) == items_of(order)
        ):
            return HoldReason(
                code="probable_duplicate",
                detail=f"same customer and items as {other.channel} order {other.external_id}"
                f" placed {other.placed_at.isoformat()}",
            )
    return None


@dataclass(frozen=True)
class ScreeningRules:
    postal_codes: PostalCodeRules = field(default_factory=packaged_postal_code_rules)
    restricted: RestrictedGoods = field(default_factory=packaged_restricted_goods)
    attributes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    duplicate_window: timedelta = timedelta(hours=24)

    @staticmethod
    def attributes_of(products: Iterable[Product]) -> dict[str, frozenset[str]]:
        return {product.sku: frozenset(product.attributes) for product in products}
