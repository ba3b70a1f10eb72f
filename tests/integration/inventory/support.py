"""What inventory's integration tests share: plans as routing would send them, stock put in
through the warehouse topic, and a client for the service's HTTP API."""

import httpx
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.order import Address, OrderLine
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_contracts.warehouse import StockReceived
from orderflow_runtime import RunningService
from orderflow_testing.system import TestSystem, eventually


def plan_for(
    order_number: int,
    sku: str = "MUG-RED",
    location: str = "us-ontario",
    quantity: int = 1,
    channel: str = "shopify",
) -> ShipmentsPlanned:
    order_id = f"order-{order_number}"
    return ShipmentsPlanned(
        order_id=order_id,
        channel=channel,
        external_id=str(order_number),
        attempt=1,
        ship_to=Address(country="US"),
        shipments=(
            PlannedShipment(
                shipment_id=f"{order_id}-1",
                location_id=location,
                carrier="usps",
                service="ground-advantage",
                cost="5.90",
                lines=(OrderLine(sku=sku, quantity=quantity),),
            ),
        ),
    )


def shipment_news(
    order_number: int, status: ShipmentStatus = ShipmentStatus.SHIPPED
) -> ShipmentStatusChanged:
    """Fulfillment's news of the shipment `plan_for(order_number)` planned."""
    order_id = f"order-{order_number}"
    return ShipmentStatusChanged(
        order_id=order_id,
        shipment_id=f"{order_id}-1",
        location_id="us-ontario",
        status=status,
        carrier="usps",
    )


async def stock(system: TestSystem, sku: str, location: str, units: int) -> None:
    bus = await system.bus("warehouse")
    await bus.publish(
        topics.WAREHOUSE_STOCK, sku, StockReceived(sku=sku, location_id=location, quantity=units)
    )
    await bus.flush()
    inventory = await system.db("inventory")
    await eventually(
        lambda: inventory.fetchval("SELECT on_hand = $1 FROM stock WHERE sku = $2", units, sku)
    )


OPERATOR = "mei@seller.example"


def api(service: RunningService) -> httpx.AsyncClient:
    assert service.api is not None
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api),
        base_url="http://inventory",
        headers={"X-Actor": OPERATOR},  # the API is open in tests: who acts is named
    )


async def set_policy(service: RunningService, channel: str, **policy: object) -> None:
    async with api(service) as client:
        response = await client.put(
            f"/channels/{channel}/policy", json={"channel": channel, **policy}
        )
    assert response.status_code == 200, response.text
