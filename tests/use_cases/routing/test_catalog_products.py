"""A product intake defines at run time (ProductDefined on catalog.products) joins routing's
product data: the next order of it is planned with its weight and what carriers refuse of it;
an older definition read after a newer one changes nothing."""

from datetime import timedelta

from orderflow_contracts import Envelope, topics
from orderflow_contracts.intake import ProductDefined
from orderflow_contracts.routing import OrderUnroutable, ShipmentsPlanned
from orderflow_contracts.setup import Dimensions, Product
from orderflow_routing import store
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import accepted
from tests.use_cases.routing.test_planning import events, stock


def defined(sku: str, grams: int, *attributes: str) -> Envelope:
    product = Product(
        sku=sku,
        weight_grams=grams,
        dimensions=Dimensions(length_mm=300, width_mm=200, height_mm=100),
        attributes=attributes,
    )
    return Envelope.wrap(ProductDefined(product=product), source="intake", correlation_id=sku)


def shipping(plan: object) -> list[tuple[str, str]]:
    assert isinstance(plan, ShipmentsPlanned), plan
    return [(s.service, s.cost) for s in plan.shipments]


async def test_a_defined_products_weight_prices_its_next_order(routing: DrivenService) -> None:
    await stock(routing, "KETTLE", us_ontario=9)
    [unknown] = events(await routing.deliver(topics.ORDERS, accepted("o-1", ("KETTLE", 1))))
    await routing.redeliver(topics.CATALOG_PRODUCTS, defined("KETTLE", 4500))
    [known] = events(await routing.deliver(topics.ORDERS, accepted("o-2", ("KETTLE", 1))))

    # usps from Ontario: 4.80 + 1.10 a started kg; unknown, a SKU weighs 1 kg
    assert shipping(unknown) == [("ground-advantage", "5.90")]
    assert shipping(known) == [("ground-advantage", "10.30")]
    [size] = await store.catalog_products(routing.conn)
    assert (size.length_cm, size.width_cm, size.height_cm) == (30, 20, 10)


async def test_an_older_definition_after_a_newer_one_changes_nothing(
    routing: DrivenService,
) -> None:
    await stock(routing, "KETTLE", us_ontario=9)
    newer = defined("KETTLE", 40_000)  # over every Ontario service's 30 kg
    older = defined("KETTLE", 500)
    older = older.model_copy(update={"occurred_at": newer.occurred_at - timedelta(minutes=5)})
    await routing.redeliver(topics.CATALOG_PRODUCTS, newer)
    revision = (await store.reference_state(routing.conn))[1]
    await routing.redeliver(topics.CATALOG_PRODUCTS, older)
    [answer] = events(await routing.deliver(topics.ORDERS, accepted("o-1", ("KETTLE", 1))))

    assert (await store.reference_state(routing.conn))[1] == revision
    assert isinstance(answer, OrderUnroutable)
    assert "over 30,000 g" in answer.reason
