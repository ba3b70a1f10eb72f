from orderflow_contracts.envelope import Event
from orderflow_contracts.order import CanonicalOrder, Value


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
