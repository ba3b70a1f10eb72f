"""Each channel's order payload mapped to one parsed order, one module per channel. Field
names follow each channel's public API documentation; each module says which shape it reads."""

from collections.abc import Mapping
from typing import Any

from orderflow_contracts.marketplace import MarketplaceOrderCancelled

from orderflow_intake.adapters.aliexpress import parse_aliexpress
from orderflow_intake.adapters.amazon import parse_amazon
from orderflow_intake.adapters.base import (
    Adapter,
    ChannelLine,
    MalformedChannelPayload,
    ParsedOrder,
)
from orderflow_intake.adapters.documents import ChannelDocument
from orderflow_intake.adapters.refunds import is_refund, parse_refunds
from orderflow_intake.adapters.shopee import parse_shopee
from orderflow_intake.adapters.shopify import parse_shopify, shopify_topic_updates
from orderflow_intake.adapters.tiktok import parse_tiktok
from orderflow_intake.adapters.updates import is_update, parse_update

ADAPTERS: Mapping[str, Adapter] = {
    "shopify": parse_shopify,
    "amazon": parse_amazon,
    "shopee": parse_shopee,
    "tiktok": parse_tiktok,
    "aliexpress": parse_aliexpress,
}
CHANNELS: tuple[str, ...] = tuple(ADAPTERS)


def parse(channel: str, payload: Any) -> ParsedOrder:
    """The channel's payload as a parsed order; MalformedChannelPayload for anything else."""
    adapter = ADAPTERS.get(channel)
    if adapter is None:
        known = ", ".join(CHANNELS)
        raise MalformedChannelPayload(f"no adapter for channel {channel!r} (known: {known})")
    return adapter(payload)


def read(channel: str, payload: Any, shopify_topic: str = "") -> ChannelDocument:
    """An order, or one of the channel's update notifications told apart by its shape
    (adapters/updates.py); `shopify_topic` is the `X-Shopify-Topic` it was posted under.
    MalformedChannelPayload naming the field for anything else."""
    if is_refund(channel, payload, shopify_topic):
        external_id, refunds, status = parse_refunds(channel, payload)
        return ChannelDocument(channel, external_id, payload, None, refunds, status)
    if is_update(channel, payload):
        update = parse_update(channel, payload)
        return ChannelDocument(
            channel, update.external_id, payload, None, update.events, update.status, update.version
        )
    order = parse(channel, payload)
    updates = shopify_topic_updates(shopify_topic, payload, order) if shopify_topic else ()
    if order.cancelled is not None:
        # A cancelled order's document (a resend, a re-fetch) tells a cancellation, not a
        # payment change: its payment reads as not captured only because it was cancelled.
        updates = (cancellation_of(order),)
    return ChannelDocument(channel, order.external_id, payload, order, updates, "", order.version)


def cancellation_of(order: ParsedOrder) -> MarketplaceOrderCancelled:
    """The cancellation an order document tells (order.cancelled), at its version."""
    reason = order.cancelled or f"cancelled on {order.channel}"
    return MarketplaceOrderCancelled(
        channel=order.channel, external_id=order.external_id, reason=reason, version=order.version
    )


__all__ = [
    "CHANNELS",
    "ChannelDocument",
    "ChannelLine",
    "MalformedChannelPayload",
    "ParsedOrder",
    "is_refund",
    "is_update",
    "parse",
    "parse_aliexpress",
    "parse_amazon",
    "parse_shopee",
    "parse_shopify",
    "parse_tiktok",
    "read",
]
