from typing import Literal

from orderflow_contracts.envelope import Event


class StockReceived(Event):
    sku: str
    location_id: str
    quantity: int
    reference: str = ""


class WarehouseReported(Event):
    shipment_id: str
    order_id: str
    status: Literal["picked", "packed", "shipped"]
    tracking_number: str = ""
