"""Routing's output, made by the bench: ShipmentsPlanned built the way routing builds them (one
PlannedShipment per location, a shipment id derived from order, attempt and location), and the
opening stock for them, so inventory can be driven alone through its topics."""

import itertools
import uuid
from collections.abc import Iterator
from pathlib import Path

from orderflow_contracts import Envelope, topics
from orderflow_contracts.order import Address, OrderLine
from orderflow_contracts.routing import PlannedShipment, ShipmentsPlanned
from orderflow_contracts.setup import Product, SellerSetup
from orderflow_contracts.warehouse import StockReceived
from orderflow_simulators.bus import PartnerBus

from orderflow_devstack.stack import DEMO_SELLER_SETUP

FLASH_SKU = "FLASH-DEAL-1"
LOCATIONS = ["us-ontario", "de-3pl"]
SPREAD_SKUS = [f"BENCH-{number:04d}" for number in range(1_000)]
_SHIPMENTS = uuid.UUID("5d0c3a8e-6f0b-4d7e-9a51-0be4c3f2a7d1")
_SHIP_TO = Address(name="Ada Lovelace", line1="500 Congress Ave", city="Austin", country="US")


def bench_setup(folder: Path) -> Path:
    """The demo seller plus the bench's SKUs, at the bench's two locations only: inventory
    holds stock events for SKUs its catalog does not know."""
    skus, location_ids = [FLASH_SKU, *SPREAD_SKUS], LOCATIONS
    demo = SellerSetup.load(DEMO_SELLER_SETUP)
    setup = demo.model_copy(
        update={
            "products": demo.products + tuple(Product(sku=sku, weight_grams=300) for sku in skus),
            "locations": tuple(loc for loc in demo.locations if loc.location_id in location_ids),
        }
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "bench-seller.json"
    path.write_text(setup.model_dump_json(indent=1))
    return path


def split_stock(sku: str, units: int, location_ids: list[str]) -> dict[tuple[str, str], int]:
    """`units` of one SKU spread as evenly as they go over the locations."""
    share, extra = divmod(units, len(location_ids))
    return {(sku, loc): share + (n < extra) for n, loc in enumerate(location_ids)}


def plan(sku: str, location_id: str, quantity: int = 1) -> ShipmentsPlanned:
    order_id = str(uuid.uuid4())
    return ShipmentsPlanned(
        order_id=order_id,
        channel="shopify",
        external_id=order_id[:13],
        attempt=1,
        ship_to=_SHIP_TO,
        shipments=(
            PlannedShipment(
                shipment_id=str(uuid.uuid5(_SHIPMENTS, f"{order_id}/1/{location_id}")),
                location_id=location_id,
                carrier="usps",
                service="ground-advantage",
                cost="5.30",
                lines=(OrderLine(sku=sku, quantity=quantity),),
            ),
        ),
    )


def encoded(planned: ShipmentsPlanned) -> bytes:
    return Envelope.wrap(planned, source="routing", correlation_id=planned.order_id).to_bytes()


def round_robin(skus: list[str], location_ids: list[str]) -> Iterator[ShipmentsPlanned]:
    """One unit of each SKU in turn, the locations alternating: an even spread."""
    for number in itertools.count():
        yield plan(skus[number % len(skus)], location_ids[number % len(location_ids)])


class PlanSource:
    """Publishes plans one at a time (the shape `load.flood` drives)."""

    def __init__(self, bus: PartnerBus, plans: Iterator[ShipmentsPlanned]) -> None:
        self.bus = bus
        self._plans = plans
        self.published = 0

    async def publish_one(self) -> None:
        planned = next(self._plans)
        await self.bus.publish_raw(topics.ROUTING_PLANS, planned.order_id, encoded(planned))
        self.published += 1


async def publish_plans(bus: PartnerBus, plans: list[bytes], order_ids: list[str]) -> None:
    """Encoded beforehand, so publishing is as fast as the producer goes."""
    for order_id, value in zip(order_ids, plans, strict=True):
        await bus.publish_raw(topics.ROUTING_PLANS, order_id, value)
    await bus.flush()


async def receive_stock(bus: PartnerBus, stock: dict[tuple[str, str], int], reference: str) -> None:
    """One warehouse document: inventory applies a reference once."""
    for (sku, location_id), units in stock.items():
        await bus.publish(
            topics.WAREHOUSE_STOCK,
            sku,
            StockReceived(sku=sku, location_id=location_id, quantity=units, reference=reference),
        )
    await bus.flush()
