"""What marketplaces (and intake's webhooks) publish: the channel's own order payload, untouched."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from orderflow_contracts.envelope import Event
from orderflow_contracts.order import Address

_VERSION = (
    "the channel's version of the order this update tells (Shopify updated_at,"
    " Amazon LastUpdateDate, Shopee and TikTok Shop update_time, AliExpress gmt_modified), when"
    " it tells one: an address or payment update older than the version intake holds is"
    " recorded on the order and ignored; a cancellation always applies"
)


class MarketplaceOrderPublished(Event):
    channel: str
    payload: dict[str, Any]


class MarketplaceOrderCancelled(Event):
    channel: str
    external_id: str
    reason: str = ""
    version: datetime | None = Field(default=None, description=_VERSION)


class MarketplaceAddressChanged(Event):
    """The buyer changed where the order goes, before or after intake saw the order."""

    channel: str
    external_id: str
    ship_to: Address
    version: datetime | None = Field(default=None, description=_VERSION)


class MarketplacePaymentChanged(Event):
    """The marketplace captured (or lost: failed, voided, refunded) the order's payment."""

    channel: str
    external_id: str
    captured: bool
    status: str = ""
    version: datetime | None = Field(default=None, description=_VERSION)


class MarketplaceOrderRefunded(Event):
    """The marketplace gave back (part of) the order's payment: one refund, named by the
    channel's `refund_id` (Shopify refunds/create), with what it gave back where the channel
    tells it. `partial` None: intake works it out from the refunds so far and the order's total.
    Whether or not anything came back, a refund is news to the customer."""

    channel: str
    external_id: str
    refund_id: str = Field(min_length=1)
    amount: Decimal | None = None
    currency: str = ""
    partial: bool | None = None
    status: str = Field(default="", description="the channel's own word for it, if any")
    version: datetime | None = Field(default=None, description=_VERSION)


class TrackingUploadAnswered(Event):
    """The marketplace's answer to a tracking upload (`TrackingNumberAssigned`): accepted, or
    refused with its message; `retryable` when it may succeed later (rate limited, down)."""

    channel: str
    external_id: str
    shipment_id: str
    tracking_number: str
    accepted: bool
    retryable: bool = False
    message: str = ""
