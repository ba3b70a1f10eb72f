"""Every event intake consumes, in one place."""

from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderCancelled, MarketplaceOrderPublished
from orderflow_contracts.routing import OrderUnroutable
from orderflow_runtime import Subscriptions

from orderflow_intake import services

subscriptions = Subscriptions()
subscriptions.on(topics.MARKETPLACE_ORDERS, MarketplaceOrderPublished)(
    services.take_marketplace_order
)
subscriptions.on(topics.MARKETPLACE_ORDERS, MarketplaceOrderCancelled)(services.cancel_order)
subscriptions.on(topics.ROUTING_PLANS, OrderUnroutable)(services.hold_unroutable_order)
