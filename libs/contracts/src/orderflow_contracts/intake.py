from decimal import Decimal

from pydantic import Field

from orderflow_contracts.envelope import Event
from orderflow_contracts.order import Address, CanonicalOrder, Value
from orderflow_contracts.setup import Product


class OrderAccepted(Event):
    order: CanonicalOrder


class HoldReason(Value):
    code: str
    detail: str


class OrderHeld(Event):
    order_id: str
    channel: str
    external_id: str
    reasons: tuple[HoldReason, ...]


class OrderCancelled(Event):
    order_id: str
    channel: str
    external_id: str
    reason: str = ""


class OrderAddressChanged(Event):
    """An order the other services know now ships to a new address."""

    order_id: str
    channel: str
    external_id: str
    ship_to: Address


class OrderPaymentCaptured(Event):
    order_id: str
    channel: str
    external_id: str


class ProductDefined(Event):
    """A master SKU added or changed through intake's API (PUT /products/{sku}): what routing
    (weight, dimensions) and inventory (tier, lead time) need to know of a product that is not
    in the seller setup. On catalog.products, keyed by SKU, compacted: the latest definition of
    every product stays readable."""

    product: Product


class OrderRefunded(Event):
    """The channel reports the order's payment refunded, in full or in part (`partial`), with or
    without a return: a cancelled order refunded, one never shipped, a goodwill partial refund.
    Told each time the channel says so (Shopify repeats its financial_status on every
    orders/updated): a consumer tells its news once per order and `partial`; a refund the
    channel names (`refund_id`, e.g. Shopify's refunds/create) once per refund, so a second
    partial refund is news too."""

    order_id: str
    channel: str
    external_id: str
    partial: bool = False
    status: str = Field(default="", description="the channel's own word, e.g. partially_refunded")
    refund_id: str = Field(
        default="",
        description="the channel's id of this one refund, where it tells one; empty for a"
        " status that says the order is (partially) refunded",
    )
    amount: Decimal | None = Field(
        default=None, description="what this refund gave back, where the channel tells it"
    )
    currency: str = Field(default="", description="ISO 4217 code of `amount`")
