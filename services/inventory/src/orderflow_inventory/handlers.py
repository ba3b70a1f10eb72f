"""Every event inventory consumes, in one place."""

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_contracts.warehouse import StockAdjusted, StockCounted, StockReceived
from orderflow_runtime import Subscriptions

from orderflow_inventory import services

subscriptions = Subscriptions()
subscriptions.on_batch(topics.ROUTING_PLANS, ShipmentsPlanned)(services.reserve_plans)
for stock_event in (StockReceived, StockAdjusted, StockCounted):
    subscriptions.on(topics.WAREHOUSE_STOCK, stock_event)(services.apply_stock_event)
subscriptions.on_batch(topics.FULFILLMENT_STATUS, ShipmentStatusChanged)(services.confirm_or_commit)
subscriptions.on(topics.ORDERS, OrderCancelled)(services.release_cancelled)
