"""Products intake defines at run time (ProductDefined on catalog.products): their weight,
size and restricted attributes join routing's product data, so a master SKU added through
intake's API plans with what it weighs and what carriers refuse of it. The latest definition
by the event's time wins; a redelivery changes nothing."""

from orderflow_contracts.intake import ProductDefined
from orderflow_runtime import UnitOfWork

from orderflow_routing import store
from orderflow_routing.reference import ProductSize


async def define_product(uow: UnitOfWork, event: ProductDefined) -> None:
    assert uow.cause is not None  # a consumed message
    product = ProductSize.of(event.product)
    changed = await store.define_product(
        uow.conn, product, uow.cause.event_id, uow.cause.occurred_at
    )
    uow.log.info("product.defined", sku=product.sku, changed=changed)
