import random
from collections import Counter
from importlib import import_module
from pathlib import Path

from orderflow_contracts.setup import SellerSetup
from orderflow_intake.adapters import CHANNELS, parse
from orderflow_intake.domain import canonicalise
from orderflow_simulators import payloads
from orderflow_simulators.partners import Marketplace, MarketplaceMix

SELLER_JSON = Path(import_module("orderflow_simulators").__file__).parent / "seller.json"
SETUP = SellerSetup.load(SELLER_JSON)


def channel_skus() -> dict[str, list[str]]:
    listings: dict[str, list[str]] = {}
    for listing in SETUP.listings:
        listings.setdefault(listing.channel, []).append(listing.channel_sku)
    return listings


def listings_for(channel: str) -> dict[str, tuple[str, int]]:
    return {
        item.channel_sku: (item.sku, item.quantity)
        for item in SETUP.listings
        if item.channel == channel
    }


def test_demo_seller_lists_every_master_sku_on_every_channel():
    products = {product.sku for product in SETUP.products}
    for channel in CHANNELS:
        assert {item.sku for item in SETUP.listings if item.channel == channel} == products


def test_random_orders_spread_over_all_five_channels():
    rng = random.Random(7)
    channels = Counter(payloads.random_order(rng, n, channel_skus())[0] for n in range(500))
    assert set(channels) == set(CHANNELS)
    assert min(channels.values()) > 500 / len(CHANNELS) / 2


def test_random_orders_are_accepted_by_intake_without_hold_reasons():
    rng = random.Random(11)
    for number in range(200):
        channel, payload = payloads.random_order(rng, number, channel_skus())
        parsed = parse(channel, payload)
        assert parsed.external_id == payloads.external_id(channel, payload)
        _, reasons = canonicalise(parsed, listings_for(channel))
        assert reasons == [], (channel, reasons)


def test_channels_without_a_payload_builder_are_not_drawn():
    rng = random.Random(3)
    listings = {"ebay": ["EB-1"], "tiktok": ["TTS-LAMP"]}
    assert {payloads.random_order(rng, n, listings)[0] for n in range(20)} == {"tiktok"}


class RecordingBus:
    def __init__(self) -> None:
        self.keys: list[str] = []

    async def publish(self, topic: str, key: str, event: object, *args: object) -> None:
        self.keys.append(key)


async def test_marketplace_keys_each_order_by_its_channel_and_external_id():
    bus = RecordingBus()
    clean = MarketplaceMix(malformed=0, unknown_sku=0, incomplete_address=0, cancelled=0)
    marketplace = Marketplace(bus, SETUP, rate=1.0, mix=clean)  # type: ignore[arg-type]
    for _ in range(40):
        await marketplace.publish_one()
    channels = {key.split(":")[0] for key in bus.keys}
    assert channels == set(CHANNELS)
    assert len(set(bus.keys)) == 40
