"""What marketplaces (and intake's webhooks) publish: the channel's own order payload, untouched."""

from typing import Any

from orderflow_contracts.envelope import Event


class MarketplaceOrderPublished(Event):
    channel: str
    payload: dict[str, Any]


class MarketplaceOrderCancelled(Event):
    channel: str
    external_id: str
    reason: str = ""
