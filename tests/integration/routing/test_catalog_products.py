"""On the real broker: a product intake defines through its API reaches routing on
catalog.products, and the next order of it is planned with its weight, without a restart."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.intake import ProductDefined
from orderflow_contracts.setup import Product
from orderflow_testing.system import TestSystem, eventually

from tests.integration.routing.test_replica_at_start import publish_level
from tests.use_cases.conftest import accepted

pytestmark = pytest.mark.integration


async def test_an_order_of_a_product_defined_at_run_time_is_priced_by_its_weight(
    system: TestSystem, start
) -> None:
    await system.create_topics([])
    await publish_level(await system.bus("inventory"), "KETTLE", "us-ontario", 5)
    await start(system, "routing")
    routing = await system.db("routing")
    intake = await system.bus("intake")

    kettle = Product(sku="KETTLE", weight_grams=4500, attributes=("liquid",))
    await intake.publish(topics.CATALOG_PRODUCTS, "KETTLE", ProductDefined(product=kettle))
    await intake.flush()
    await eventually(lambda: routing.fetchval("SELECT count(*) = 1 FROM catalog_products"))
    await intake.publish(topics.ORDERS, "o-1", accepted("o-1", ("KETTLE", 1)))
    await intake.flush()
    await eventually(lambda: routing.fetchval("SELECT count(*) = 1 FROM decisions"))

    chosen = await routing.fetchval(
        "SELECT explanation -> 'chosen' -> 0 ->> 'cost' FROM decisions WHERE order_id = 'o-1'"
    )
    assert chosen == "10.30"  # usps 4.80 + 1.10 x 5 started kg; unknown, 1 kg: 5.90
    stored = await routing.fetchval("SELECT product ->> 'attributes' FROM catalog_products")
    assert stored == '["liquid"]'


async def test_products_defined_before_routing_started_are_known_before_it_plans(
    system: TestSystem, start
) -> None:
    await system.create_topics([])
    intake = await system.bus("intake")
    kettle = Product(sku="KETTLE", weight_grams=4500)
    await intake.publish(topics.CATALOG_PRODUCTS, "KETTLE", ProductDefined(product=kettle))
    await intake.flush()

    await start(system, "routing")

    # No waiting: start returns once the compacted catalog has been read to its end.
    routing = await system.db("routing")
    assert await routing.fetchval("SELECT sku FROM catalog_products") == "KETTLE"
