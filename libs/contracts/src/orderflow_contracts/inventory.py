from orderflow_contracts.envelope import Event
from orderflow_contracts.order import Value
from orderflow_contracts.routing import ShipmentsPlanned


class StockReserved(Event):
    plan: ShipmentsPlanned


class Shortage(Value):
    sku: str
    location_id: str
    requested: int
    available: int


class ReservationRejected(Event):
    order_id: str
    attempt: int
    shortages: tuple[Shortage, ...]


class LocationLevel(Value):
    location_id: str
    on_hand: int
    reserved: int
    available: int


class StockLevelChanged(Event):
    """The latest stock of one SKU everywhere; `inventory.levels` is compacted by SKU."""

    sku: str
    locations: tuple[LocationLevel, ...]
