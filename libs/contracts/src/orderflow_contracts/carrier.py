from typing import Literal

from orderflow_contracts.envelope import Event


class TrackingUpdated(Event):
    tracking_number: str
    carrier: str
    status: Literal["in_transit", "out_for_delivery", "delivered"]
