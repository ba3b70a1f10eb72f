"""A product intake's operators define over its API reaches inventory on catalog.products:
inventory knows it without a restart and applies the stock it held for it, once."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.envelope import Envelope
from orderflow_contracts.intake import ProductDefined
from orderflow_contracts.setup import LeadTime, Product
from orderflow_contracts.warehouse import StockReceived
from orderflow_testing.system import TestSystem, eventually

pytestmark = pytest.mark.integration


async def test_a_defined_product_is_known_and_its_held_stock_applied_once(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    await start(system, "inventory")
    inventory = await system.db("inventory")
    warehouse = await system.bus("warehouse")
    await warehouse.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-GREEN",
        StockReceived(sku="MUG-GREEN", location_id="us-ontario", quantity=24, reference="GRN-1"),
    )
    await warehouse.flush()
    await eventually(lambda: inventory.fetchval("SELECT count(*) = 1 FROM held_stock_events"))

    defined = Envelope.wrap(
        ProductDefined(product=Product(sku="MUG-GREEN", weight_grams=460, tier="new")),
        source="intake",
        correlation_id="product:MUG-GREEN",
    )
    intake = await system.bus("intake")
    for _ in range(2):  # the same event twice: a redelivery
        await intake.publish_raw(topics.CATALOG_PRODUCTS, "MUG-GREEN", defined.to_bytes())
    await intake.flush()

    await eventually(
        lambda: inventory.fetchval(
            "SELECT on_hand = 24 FROM stock WHERE sku = 'MUG-GREEN' AND location_id = 'us-ontario'"
        )
    )
    assert await inventory.fetchval("SELECT tier FROM products WHERE sku = 'MUG-GREEN'") == "new"
    await eventually(
        lambda: inventory.fetchval(
            "SELECT count(*) = 1 FROM inbox WHERE event_id = $1", defined.event_id
        )
    )
    assert (
        await inventory.fetchval("SELECT count(*) FROM held_stock_events WHERE replayed_at IS NULL")
        == 0
    )
    assert await inventory.fetchval("SELECT on_hand FROM stock WHERE sku = 'MUG-GREEN'") == 24


async def test_a_redefined_product_keeps_inventorys_own_tier_and_lead_time(
    system: TestSystem, start
) -> None:
    """Intake owns a product's physical definition, inventory its tier and lead time: a product
    inventory knows (here from the seller setup, MUG-RED) re-defined on catalog.products with
    another tier and lead time keeps inventory's."""
    await system.create_topics([])
    await start(system, "inventory")
    inventory = await system.db("inventory")
    query = "SELECT tier, lead_time_avg_days, lead_time_max_days FROM products WHERE sku = $1"
    before = tuple(await inventory.fetchrow(query, "MUG-RED"))
    redefined = ProductDefined(
        product=Product(
            sku="MUG-RED",
            weight_grams=480,
            tier="regular",
            lead_time=LeadTime(average_days=90, longest_days=120),
        )
    )
    assert before[0] != "regular" and before[1:] != (90, 120)
    intake = await system.bus("intake")
    envelope = Envelope.wrap(redefined, source="intake", correlation_id="product:MUG-RED")
    await intake.publish_raw(topics.CATALOG_PRODUCTS, "MUG-RED", envelope.to_bytes())
    await intake.flush()

    await eventually(
        lambda: inventory.fetchval(
            "SELECT count(*) = 1 FROM inbox WHERE event_id = $1", envelope.event_id
        )
    )
    assert tuple(await inventory.fetchrow(query, "MUG-RED")) == before
