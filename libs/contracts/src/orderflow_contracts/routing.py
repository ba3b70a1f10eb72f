from datetime import datetime

from pydantic import Field

from orderflow_contracts.envelope import Event
from orderflow_contracts.order import Address, OrderLine, Value


class PlannedShipment(Value):
    shipment_id: str
    location_id: str
    carrier: str
    service: str
    cost: str
    lines: tuple[OrderLine, ...]
    carrier_code: str = Field(
        default="",
        description="the order's channel's own code for this carrier, where the seller's"
        " reference data names one (for the tracking upload); empty: none known",
    )


class ShipmentsPlanned(Event):
    """A plan for the whole order; `attempt` counts re-plans after rejected reservations."""

    order_id: str
    channel: str
    external_id: str
    attempt: int
    ship_to: Address
    shipments: tuple[PlannedShipment, ...]
    currency: str = Field(default="", description="ISO 4217, of the lines' prices")
    placed_at: datetime | None = None
    ship_by: datetime | None = Field(
        default=None, description="when the marketplace expects the order to have shipped"
    )
    replaces_shipment_id: str = Field(
        default="",
        description="a re-plan of only the lines this shipment's warehouse rejected or picked"
        " short; the rest of the order's plan stands. Empty: a plan of the whole order",
    )


class OrderUnroutable(Event):
    order_id: str
    attempt: int
    reason: str
