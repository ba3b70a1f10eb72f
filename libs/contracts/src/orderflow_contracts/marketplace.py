"""What marketplaces (and intake's webhooks) publish: the channel's own order payload, untouched."""

from datetime import datetime
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
