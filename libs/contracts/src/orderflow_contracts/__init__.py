"""The contracts every orderflow service and partner speaks: the envelope, events and topics."""

from orderflow_contracts import (  # noqa: F401  importing registers every event type
    carrier,
    fulfillment,
    intake,
    inventory,
    marketplace,
    notifications,
    privacy,
    routing,
    warehouse,
)
from orderflow_contracts.envelope import Envelope, Event, MalformedEvent, event_model

__all__ = ["Envelope", "Event", "MalformedEvent", "event_model"]
