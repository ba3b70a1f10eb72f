from orderflow_contracts.envelope import Event
from orderflow_contracts.order import Address, CanonicalOrder, Value


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
