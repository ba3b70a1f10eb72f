"""Every event inventory consumes, in one place."""

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.intake import OrderCancelled
from orderflow_contracts.routing import ShipmentsPlanned
from orderflow_contracts.warehouse import StockReceived
from orderflow_runtime import Subscriptions

from orderflow_inventory import services

subscriptions = Subscriptions()
subscriptions.on(topics.ROUTING_PLANS, ShipmentsPlanned)(services.reserve_stock)
subscriptions.on(topics.WAREHOUSE_STOCK, StockReceived)(services.receive_stock)
subscriptions.on(topics.FULFILLMENT_STATUS, ShipmentStatusChanged)(services.commit_shipped)
subscriptions.on(topics.ORDERS, OrderCancelled)(services.release_cancelled)
