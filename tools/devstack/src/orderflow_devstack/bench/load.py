"""Driving load: marketplace orders as fast as the system absorbs them (a closed loop with a
bounded number of orders in flight) or at a fixed rate, over a warm-up and a measured window
of wall-clock time (record timestamps are wall-clock too)."""

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.setup import SellerSetup
from orderflow_simulators import payloads
from orderflow_simulators.bus import PartnerBus
from orderflow_simulators.partners import Marketplace, MarketplaceMix

CLEAN = MarketplaceMix(malformed=0, unknown_sku=0, incomplete_address=0, cancelled=0)


_ORDER_NUMBERS = itertools.count(1)


class UniqueBuyers(Marketplace):
    """Clean orders only, each from its own buyer: the simulator's shared e-mail addresses
    make intake hold most orders as probable duplicates (same buyer, same items), and a held
    order never reaches a pick task. Intake still runs its duplicate check on every order."""

    def __init__(
        self, bus: PartnerBus, setup: SellerSetup, rate: float = 1e9, emailed_only: bool = False
    ) -> None:
        """`emailed_only`: only channels whose orders carry the buyer's e-mail (some
        marketplaces mask it), for cases that end with the customer's e-mail."""
        super().__init__(bus, setup, rate, CLEAN)
        if emailed_only:
            self.listings = {c: s for c, s in self.listings.items() if _carries_email(c)}

    async def publish_one(self) -> None:
        self.published += 1
        number = next(_ORDER_NUMBERS)  # unique in the process: a kept system saw earlier ones
        channel, payload = payloads.random_order(self.rng, number, self.listings)
        _unique_buyer(payload, number)
        key = topics.channel_order_key(channel, payloads.external_id(channel, payload))
        published = MarketplaceOrderPublished(channel=channel, payload=payload)
        await self.bus.publish(topics.MARKETPLACE_ORDERS, key, published)


def _carries_email(channel: str) -> bool:
    builder = payloads.BUILDERS.get(channel)
    if builder is None:
        return False
    sample = builder(1, [("SKU", 1)])
    before = repr(sample)
    _unique_buyer(sample, 0)
    return repr(sample) != before


def _unique_buyer(document: Any, number: int) -> None:
    """Every e-mail address in a channel's payload, whatever its shape, made this buyer's."""
    items = document.items() if isinstance(document, dict) else enumerate(document)
    for key, value in list(items):
        if isinstance(value, dict | list):
            _unique_buyer(value, number)
        elif isinstance(value, str) and "@" in value and "mail" in str(key).lower():
            document[key] = f"buyer-{number}@{value.rsplit('@', 1)[1]}"


class Source(Protocol):
    """Publishes one order (or plan) per call; a Marketplace is one."""

    bus: PartnerBus
    published: int

    async def publish_one(self) -> None: ...


@dataclass(frozen=True)
class Window:
    """A stretch of a run, in wall-clock seconds, and the orders published in it."""

    start_s: float
    end_s: float
    published: int

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


async def flood(
    marketplace: Source, done: Callable[[], int], seconds: float, in_flight: int
) -> Window:
    """Keep up to `in_flight` orders published but not `done` for `seconds`: enough to keep
    every stage busy, few enough that the backlog (and the broker's memory) stays bounded. The
    system's own pace sets the rate, so a window shows its sustained throughput. Call it again
    to go on without a gap (a warm-up, then the measured window)."""
    start = time.time()
    end = start + seconds
    published = marketplace.published
    while time.time() < end:
        burst = 0
        while marketplace.published - done() < in_flight and burst < 200:
            await marketplace.publish_one()
            burst += 1
        await asyncio.sleep(0.005 if burst else 0.02)  # the watch counts `done` meanwhile
    await marketplace.bus.flush()
    return Window(start, time.time(), marketplace.published - published)


async def steady(marketplace: Marketplace, warmup_s: float, measure_s: float) -> Window:
    """Publish at a fresh marketplace's fixed rate through a warm-up and a measured window;
    returns the window."""
    total = round(marketplace.rate * (warmup_s + measure_s))
    publishing = asyncio.create_task(marketplace.run(total=total))
    await asyncio.sleep(warmup_s)
    start, published = time.time(), marketplace.published
    await publishing
    return Window(start, time.time(), marketplace.published - published)
