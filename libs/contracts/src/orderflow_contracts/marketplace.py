"""What marketplaces (and intake's webhooks) publish: the channel's own order payload, untouched."""

from typing import Any

from orderflow_contracts.envelope import Event
from orderflow_contracts.order import Address


class MarketplaceOrderPublished(Event):
    channel: str
    payload: dict[str, Any]


class MarketplaceOrderCancelled(Event):
    channel: str
    external_id: str
    reason: str = ""


class MarketplaceAddressChanged(Event):
    """The buyer changed where the order goes, before or after intake saw the order."""

    channel: str
    external_id: str
    ship_to: Address


class MarketplacePaymentChanged(Event):
    """The marketplace captured (or lost: failed, voided, refunded) the order's payment."""

    channel: str
    external_id: str
    captured: bool
    status: str = ""
