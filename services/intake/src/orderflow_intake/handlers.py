"""Every event intake consumes, in one place."""

from functools import partial

from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderCancelled, MarketplaceOrderPublished
from orderflow_contracts.routing import OrderUnroutable
from orderflow_runtime import Subscriptions

from orderflow_intake import services
from orderflow_intake.domain import PostalCodeRules


def subscriptions(postal_codes: PostalCodeRules) -> Subscriptions:
    subs = Subscriptions()
    subs.on(topics.MARKETPLACE_ORDERS, MarketplaceOrderPublished)(
        partial(services.take_marketplace_order, postal_codes=postal_codes)
    )
    subs.on(topics.MARKETPLACE_ORDERS, MarketplaceOrderCancelled)(services.cancel_order)
    subs.on(topics.ROUTING_PLANS, OrderUnroutable)(services.hold_unroutable_order)
    return subs
