"""Products intake's operators add or change over its API, announced on catalog.products:
inventory learns them without a setup-file edit or a restart, and applies the warehouse events
it held for them. Intake owns a product's physical definition; inventory owns its tier and lead
time (its own PUT /products/{sku}): a re-defined product inventory knows keeps them."""

from orderflow_contracts.intake import ProductDefined
from orderflow_runtime import UnitOfWork

from orderflow_inventory import store
from orderflow_inventory.use_cases.stock_events import replay_held


async def define_product(uow: UnitOfWork, event: ProductDefined) -> None:
    added = await store.catalog.add_product(uow.conn, event.product)
    replayed = await replay_held(uow)
    uow.log.info("product.defined", sku=event.product.sku, added=added, replayed=len(replayed))
