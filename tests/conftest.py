"""Shared fixtures: the real broker and PostgreSQL come from orderflow_testing's plugin; the
five services are started in-process from here, each with its own database."""

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.setup import SellerSetup
from orderflow_contracts.warehouse import StockReceived
from orderflow_embedded import SmtpSink
from orderflow_runtime import RunningService
from orderflow_simulators import payloads
from orderflow_testing.system import TestSystem, eventually

pytest_plugins = ["orderflow_testing.plugin"]

SERVICES = ("intake", "routing", "inventory", "fulfillment", "notifications")
SELLER_SETUP_FILE = Path(import_module("orderflow_simulators").__file__).parent / "seller.json"  # type: ignore[arg-type]


def seller_setup() -> SellerSetup:
    return SellerSetup.load(SELLER_SETUP_FILE)


async def start_service(system: TestSystem, name: str, **overrides: Any) -> RunningService:
    app = import_module(f"orderflow_{name}.app")
    config = import_module(f"orderflow_{name}.config")
    if name in ("intake", "routing", "inventory"):
        overrides.setdefault("seller_setup_file", str(SELLER_SETUP_FILE))
    if name == "inventory":
        overrides.setdefault("levels_interval_s", 0.1)  # tests wait for the levels feed
    if name == "notifications":
        overrides.setdefault("merge_window_s", 0)  # each test that merges says so
    return await system.start(name, app.create_spec, config.Settings, **overrides)


async def run_to_pick_tasks(system: TestSystem, mug_red_at_ontario: int, **overrides: Any) -> None:
    """Topics for the demo seller, the four services from intake to fulfillment, and MUG-RED in
    stock at us-ontario, once routing's replica has seen it (an order routed before is held)."""
    await system.create_topics([location.location_id for location in seller_setup().locations])
    for name in ("intake", "routing", "inventory", "fulfillment"):
        await start_service(system, name, **overrides)
    partners = await system.bus("partners")
    await partners.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=mug_red_at_ontario),
    )
    routing = await system.db("routing")
    await eventually(lambda: routing.fetchval("SELECT count(*) = 1 FROM stock_replica"))


async def publish_orders(system: TestSystem, numbers: range) -> None:
    """One-unit MUG-RED Shopify orders, each from its own buyer (one buyer's many orders would
    be held as probable duplicates)."""
    marketplace = await system.bus("marketplace")
    for n in numbers:
        order = payloads.shopify_order(n, [("MUG-RED", 1)], email=f"buyer-{n}@example.com")
        await marketplace.publish(
            topics.MARKETPLACE_ORDERS,
            f"shopify:{order['id']}",
            MarketplaceOrderPublished(channel="shopify", payload=order),
        )
    await marketplace.flush()


async def assert_each_order_shipped_once(system: TestSystem, orders: int) -> None:
    """Every order got exactly one shipment, and MUG-RED at us-ontario one reserved unit each."""
    fulfillment = await system.db("fulfillment")
    await eventually(
        lambda: fulfillment.fetchval("SELECT count(DISTINCT order_id) = $1 FROM shipments", orders),
        timeout_s=60,
    )
    assert await fulfillment.fetchval("SELECT count(*) FROM shipments") == orders
    inventory = await system.db("inventory")
    assert orders == await inventory.fetchval(
        "SELECT reserved FROM stock WHERE sku = 'MUG-RED' AND location_id = 'us-ontario'"
    )


@pytest.fixture
def smtp() -> Any:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def start() -> Callable[..., Any]:
    return start_service
