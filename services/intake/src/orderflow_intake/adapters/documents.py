"""What one channel document says, read once whichever door it came through (a webhook, the
marketplace topic, an operator's re-parse)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from orderflow_contracts import Event

from orderflow_intake.adapters.base import ParsedOrder


@dataclass(frozen=True)
class ChannelDocument:
    """A new order, one of the channel's update notifications (no order), or a Shopify order
    posted under an update topic (both): the order, then the updates to apply after it."""

    channel: str
    external_id: str
    payload: dict[str, Any]
    order: ParsedOrder | None
    updates: tuple[Event, ...] = ()
    status: str = ""  # the channel's order status an update notification tells
    version: datetime | None = None  # the channel's version of the order this document tells

    @property
    def kind(self) -> Literal["order", "update"]:
        return "update" if self.order is None else "order"
