from orderflow_contracts.envelope import Event
from orderflow_contracts.order import OrderLine, Value
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


class ChannelAvailability(Value):
    """What one channel may show: available at the locations serving it, less its buffer."""

    channel: str
    available: int


class StockLevelChanged(Event):
    """The latest stock of one SKU everywhere; `inventory.levels` is compacted by SKU."""

    sku: str
    locations: tuple[LocationLevel, ...]
    channels: tuple[ChannelAvailability, ...] = ()


class ReservationHeld(Event):
    """Not enough stock, and the channel's policy is to hold such orders for an operator."""

    order_id: str
    attempt: int
    shortages: tuple[Shortage, ...]


class BackorderedLine(Value):
    shipment_id: str
    sku: str
    location_id: str
    quantity: int


class OrderBackordered(Event):
    """Part of the order could not be reserved; it is reserved when stock arrives."""

    order_id: str
    attempt: int
    lines: tuple[BackorderedLine, ...]


class ReservationExpired(Event):
    """A reservation no shipment ever confirmed was given back to stock."""

    order_id: str
    attempt: int


class RejectedLinesReleased(Event):
    """Lines a warehouse will not ship (fulfillment's PickTaskRejected) are no longer reserved
    at `location_id`: routing re-plans them from the other locations. It comes from inventory,
    not from fulfillment, so that routing reads only `inventory.reservations` for its answers
    and none of the order's shipment news (docs/decisions/0002-topics-by-reader.md)."""

    order_id: str
    shipment_id: str
    location_id: str
    lines: tuple[OrderLine, ...]
    reason: str
    short_pick: bool = False


class ReorderPointReached(Event):
    """Available stock fell to the reorder point: time to order from the supplier."""

    sku: str
    tier: str
    available: int
    reorder_point: int
    safety_stock: int
    suggested_quantity: int


class SlowMoverFlagged(Event):
    sku: str
    on_hand: int
    days_without_sale: int


class StockDiscrepancyFound(Event):
    """Goods left a location beyond what the books had free there (the warehouse shipped
    what they showed reserved elsewhere, or a count had taken them off): the shipment is
    committed, on hand is corrected by `units` on the ledger, and the location wants a count."""

    sku: str
    location_id: str
    units: int
    shipment_id: str
    reason: str
