"""Every event inventory consumes, in one place."""

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import PickTaskRejected, ShipmentStatusChanged
from orderflow_contracts.intake import OrderCancelled, ProductDefined
from orderflow_contracts.privacy import CustomerErasureRequested
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_contracts.warehouse import StockAdjusted, StockCounted, StockReceived
from orderflow_runtime import Subscriptions

from orderflow_inventory import privacy, use_cases

# News no order waits on for its pick task, read a batch at a time (ServiceSpec.unhurried):
# the stock's news from fulfillment.
UNHURRIED = (topics.FULFILLMENT_STATUS,)


subscriptions = Subscriptions()
subscriptions.on_batch(topics.ROUTING_PLANS, ShipmentsPlanned)(use_cases.reserve_plans)
for stock_event in (StockReceived, StockAdjusted, StockCounted):
    subscriptions.on(topics.WAREHOUSE_STOCK, stock_event)(use_cases.apply_stock_event)
subscriptions.on_batch(
    topics.FULFILLMENT_STATUS, ShipmentStatusChanged, only=use_cases.is_stock_news
)(use_cases.confirm_or_commit)
subscriptions.on(topics.ORDER_CHANGES, OrderCancelled)(use_cases.release_cancelled)
subscriptions.on(topics.PRIVACY_ERASURES, CustomerErasureRequested)(
    privacy.use_cases.erase_customer
)
subscriptions.on(topics.FULFILLMENT_STATUS, PickTaskRejected)(use_cases.release_rejected_lines)
subscriptions.on(topics.CATALOG_PRODUCTS, ProductDefined)(use_cases.define_product)
