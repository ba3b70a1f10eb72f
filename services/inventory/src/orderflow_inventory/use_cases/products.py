"""Products intake's operators add or change over its API, announced on catalog.products:
inventory learns them without a setup-file edit or a restart, and applies the warehouse events
it held for them."""

import structlog
from orderflow_contracts.intake import ProductDefined
from orderflow_runtime import UnitOfWork

from orderflow_inventory import store
from orderflow_inventory.use_cases.stock_events import replay_held

log = structlog.get_logger()


async def define_product(uow: UnitOfWork, event: ProductDefined) -> None:
    await store.catalog.save_product(uow.conn, event.product)
    replayed = await replay_held(uow)
    log.info("product.defined", sku=event.product.sku, replayed=replayed)
