"""The partners: a marketplace that sells (and its tracking desk, which answers uploads), a
warehouse that ships, a carrier that delivers."""

import asyncio
import hashlib
import random
from collections.abc import Collection
from dataclasses import dataclass

import structlog
from orderflow_contracts import topics
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.fulfillment import (
    PickTaskAddressChanged,
    PickTaskCancelled,
    PickTaskIssued,
    TrackingNumberAssigned,
)
from orderflow_contracts.marketplace import (
    MarketplaceOrderCancelled,
    MarketplaceOrderPublished,
    TrackingUploadAnswered,
)
from orderflow_contracts.setup import SellerSetup
from orderflow_contracts.warehouse import StockReceived, WarehouseReported

from orderflow_simulators import payloads
from orderflow_simulators.bus import PartnerBus

log = structlog.get_logger()


@dataclass
class MarketplaceMix:
    """Shares of abnormal orders among those published."""

    malformed: float = 0.01
    unknown_sku: float = 0.02
    incomplete_address: float = 0.01
    cancelled: float = 0.02


class Marketplace:
    def __init__(
        self,
        bus: PartnerBus,
        setup: SellerSetup,
        rate: float,
        mix: MarketplaceMix | None = None,
        seed: int = 7,
    ) -> None:
        self.bus = bus
        self.rate = rate
        self.mix = mix or MarketplaceMix()
        self.rng = random.Random(seed)
        self.listings: dict[str, list[str]] = {}
        for listing in setup.listings:
            self.listings.setdefault(listing.channel, []).append(listing.channel_sku)
        self.published = 0

    async def run(self, total: int | None = None) -> None:
        """Publish at `rate` orders per second, in ticks of 10 ms, until `total` if given."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        while total is None or self.published < total:
            due = int((loop.time() - started) * self.rate) + 1
            while self.published < due and (total is None or self.published < total):
                await self.publish_one()
            await asyncio.sleep(0.01)
        await self.bus.flush()

    async def publish_one(self) -> None:
        number = self.published = self.published + 1
        channel, payload = payloads.random_order(self.rng, number, self.listings)
        roll = self.rng.random()
        if roll < self.mix.malformed:
            await self.bus.publish_raw(
                topics.MARKETPLACE_ORDERS,
                f"{channel}:broken-{number}",
                b'{"type": "MarketplaceOrderPublished", "payl',
            )
            return
        roll -= self.mix.malformed
        if roll < self.mix.unknown_sku:
            payload = payloads.shopify_order(number, [("NOT-LISTED-SKU", 1)])
            channel = "shopify"
        elif roll - self.mix.unknown_sku < self.mix.incomplete_address:
            payload = payloads.shopify_order(
                number,
                [(self.listings["shopify"][0], 1)],
                address_overrides={"address1": "", "zip": ""},
            )
            channel = "shopify"
        external_id = payloads.external_id(channel, payload)
        key = topics.channel_order_key(channel, external_id)
        published = MarketplaceOrderPublished(channel=channel, payload=payload)
        await self.bus.publish(topics.MARKETPLACE_ORDERS, key, published)
        if self.rng.random() < self.mix.cancelled:
            cancellation = MarketplaceOrderCancelled(
                channel=channel, external_id=external_id, reason="buyer cancelled"
            )
            await self.bus.publish(topics.MARKETPLACE_ORDERS, key, cancellation)


class TrackingDesk:
    """A marketplace's tracking API: answers each upload, accepting it, or (a share
    `hiccups`) refusing it as retryable (rate limited), as marketplaces do under load."""

    def __init__(self, bus: PartnerBus, hiccups: float = 0.05, seed: int = 13) -> None:
        self.bus = bus
        self.hiccups = hiccups
        self.rng = random.Random(seed)
        self.accepted = 0

    async def run(self) -> None:
        async for envelope, event in self.bus.events(
            "sim-marketplace-tracking", topics=[topics.MARKETPLACE_TRACKING]
        ):
            if isinstance(event, TrackingNumberAssigned):
                await self._answer(event, envelope.correlation_id)

    async def _answer(self, upload: TrackingNumberAssigned, correlation_id: str) -> None:
        limited = self.rng.random() < self.hiccups
        await self.bus.publish(
            topics.MARKETPLACE_TRACKING,
            topics.channel_order_key(upload.channel, upload.external_id),
            TrackingUploadAnswered(
                channel=upload.channel,
                external_id=upload.external_id,
                shipment_id=upload.shipment_id,
                tracking_number=upload.tracking_number,
                accepted=not limited,
                retryable=limited,
                message="429 rate limited" if limited else "",
            ),
            correlation_id,
        )
        self.accepted += 0 if limited else 1


class Warehouse:
    """Every location of the seller at once: receives stock, picks, packs and ships; stops a
    pick task cancelled before it shipped and relabels one for a new address (answering
    `address_changed`; one that left answers nothing). A location in `rejects_at` is a 3PL
    that rejects every pick task (over capacity); one in `short_at` finds one unit of a task's
    first line missing (it picks the rest, when there is any)."""

    def __init__(
        self,
        bus: PartnerBus,
        setup: SellerSetup,
        delay_s: float = 0.0,
        rejects_at: Collection[str] = (),
        short_at: Collection[str] = (),
    ) -> None:
        self.bus = bus
        self.setup = setup
        self.delay_s = delay_s
        self.rejects_at = frozenset(rejects_at)
        self.short_at = frozenset(short_at)
        self.shipped = 0
        self._stopped: set[str] = set()
        self._left: set[str] = set()
        self._working: set[asyncio.Task[None]] = set()

    async def receive_stock(self, units_per_sku: int) -> None:
        for location in self.setup.locations:
            for product in self.setup.products:
                await self.bus.publish(
                    topics.WAREHOUSE_STOCK,
                    product.sku,
                    StockReceived(
                        sku=product.sku,
                        location_id=location.location_id,
                        quantity=units_per_sku,
                        reference="opening stock",
                    ),
                )
        await self.bus.flush()

    async def run(self) -> None:
        async for envelope, event in self.bus.events(
            "sim-warehouse", pattern=topics.PICK_TASKS_PATTERN
        ):
            if isinstance(event, PickTaskIssued) and self.delay_s:
                # A slow warehouse works on its tasks side by side, and reads a cancellation
                # while it picks.
                task = asyncio.create_task(self._fulfil(event, envelope.correlation_id))
                self._working.add(task)
                task.add_done_callback(self._working.discard)
            elif isinstance(event, PickTaskIssued):
                await self._fulfil(event, envelope.correlation_id)
            elif isinstance(event, PickTaskCancelled):
                await self._stop(event, envelope.correlation_id)
            elif isinstance(event, PickTaskAddressChanged):
                await self._relabel(event, envelope.correlation_id)

    async def _fulfil(self, task: PickTaskIssued, correlation_id: str) -> None:
        if task.location_id in self.rejects_at:
            await self._report(task.shipment_id, task.order_id, task.location_id, "rejected",
                               correlation_id, reason="over capacity")  # fmt: skip
            return
        if task.location_id in self.short_at:
            short = (task.lines[0].model_copy(update={"quantity": 1}),)
            await self.bus.publish(
                topics.WAREHOUSE_EVENTS,
                task.shipment_id,
                WarehouseReported(
                    shipment_id=task.shipment_id,
                    order_id=task.order_id,
                    location_id=task.location_id,
                    status="short_picked",
                    reason="not on the shelf",
                    lines=short,
                ),
                correlation_id,
            )
            if sum(line.quantity for line in task.lines) == 1:
                return  # nothing left to pick: the short pick was a rejection
        tracking = tracking_number(task.carrier, task.shipment_id)
        for status in ("picked", "packed", "shipped"):
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            if task.shipment_id in self._stopped:
                return
            if status == "shipped":
                self._left.add(task.shipment_id)
            await self._report(task.shipment_id, task.order_id, task.location_id, status,
                               correlation_id, tracking=tracking if status == "shipped" else "")  # fmt: skip
        self.shipped += 1

    async def _stop(self, stop: PickTaskCancelled, correlation_id: str) -> None:
        """Stopped if it has not left; one that left is past stopping (fulfillment returns it)."""
        if stop.shipment_id in self._left or stop.shipment_id in self._stopped:
            return
        self._stopped.add(stop.shipment_id)
        await self._report(
            stop.shipment_id, stop.order_id, stop.location_id, "cancelled", correlation_id
        )

    async def _relabel(self, change: PickTaskAddressChanged, correlation_id: str) -> None:
        """Relabelled if it has not left; one that left goes to the old address."""
        if change.shipment_id in self._left or change.shipment_id in self._stopped:
            return
        await self._report(
            change.shipment_id, change.order_id, change.location_id, "address_changed",
            correlation_id,
        )  # fmt: skip

    async def _report(
        self,
        shipment_id: str,
        order_id: str,
        location_id: str,
        status: str,
        correlation_id: str,
        *,
        tracking: str = "",
        reason: str = "",
    ) -> None:
        await self.bus.publish(
            topics.WAREHOUSE_EVENTS,
            shipment_id,
            WarehouseReported.model_validate(
                {
                    "shipment_id": shipment_id,
                    "order_id": order_id,
                    "location_id": location_id,
                    "status": status,
                    "tracking_number": tracking,
                    "reason": reason,
                }
            ),
            correlation_id,
        )


def tracking_number(carrier: str, shipment_id: str) -> str:
    """A number in the carrier's own format (the marketplaces check it), the same for a shipment
    every time."""
    digest = int(hashlib.sha256(shipment_id.encode()).hexdigest()[:24], 16)
    formats = {
        "usps": f"94{digest % 10**20:020d}",
        "ups": f"1Z{digest % 16**16:016X}",
        "dhl": f"{digest % 10**10:010d}",
        "dpd": f"{digest % 10**14:014d}",
        "yunexpress": f"YT{digest % 10**16:016d}",
        "4px": f"4PX{digest % 10**12:012d}",
        "sf-express": f"SF{digest % 10**12:012d}",
    }
    return formats.get(carrier, f"{carrier[:3].upper()}{digest % 10**10:010d}")


class Carrier:
    """Takes parcels the warehouse shipped and reports them in transit, then delivered; a share
    (`fail_share`) cannot be delivered: out for delivery, failed, returned to sender. A share
    (`late_share`) is late: it spends `late_s` more in transit than the others, slower than
    its lane's p90 while that share stays under a tenth. `late` holds their tracking numbers."""

    def __init__(
        self,
        bus: PartnerBus,
        delay_s: float = 0.0,
        fail_share: float = 0.0,
        seed: int = 11,
        late_share: float = 0.0,
        late_s: float = 0.0,
    ) -> None:
        self.bus = bus
        self.delay_s = delay_s
        self.fail_share = fail_share
        self.late_share = late_share
        self.late_s = late_s
        self.rng = random.Random(seed)
        self.delivered = 0
        self.late: set[str] = set()
        self._travelling: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        async for envelope, event in self.bus.events(
            "sim-carrier", topics=[topics.WAREHOUSE_EVENTS]
        ):
            if isinstance(event, WarehouseReported) and event.status == "shipped":
                if self.late_share and self.rng.random() < self.late_share:
                    self.late.add(event.tracking_number)
                if self.delay_s or event.tracking_number in self.late:
                    # A parcel that takes time does not hold up the others: it travels alone.
                    task = asyncio.create_task(self._deliver(event, envelope.correlation_id))
                    self._travelling.add(task)
                    task.add_done_callback(self._travelling.discard)
                else:
                    await self._deliver(event, envelope.correlation_id)

    async def _deliver(self, parcel: WarehouseReported, correlation_id: str) -> None:
        fails = self.rng.random() < self.fail_share
        journey = ("in_transit", "out_for_delivery", "failed_delivery", "returned_to_sender")
        for status in journey if fails else ("in_transit", "delivered"):
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            if status == "delivered" and parcel.tracking_number in self.late:
                await asyncio.sleep(self.late_s)
            await self.bus.publish(
                topics.CARRIER_TRACKING,
                parcel.tracking_number,
                TrackingUpdated.model_validate(
                    {"tracking_number": parcel.tracking_number, "carrier": "sim", "status": status}
                ),
                correlation_id,
            )
        self.delivered += 0 if fails else 1
