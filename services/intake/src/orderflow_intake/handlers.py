"""Every event intake consumes, in one place."""

from functools import partial

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import (
    AddressChangeApplied,
    AddressChangeTooLate,
    ChangeSentToWarehouse,
    ShipmentStatusChanged,
)
from orderflow_contracts.marketplace import (
    MarketplaceAddressChanged,
    MarketplaceOrderCancelled,
    MarketplaceOrderPublished,
    MarketplaceOrderRefunded,
    MarketplacePaymentChanged,
)
from orderflow_contracts.privacy import CustomerDataErased
from orderflow_contracts.routing import OrderUnroutable
from orderflow_runtime import Subscriptions

from orderflow_intake import privacy, use_cases
from orderflow_intake.screening import ScreeningRules

# News no order waits on for its pick task, read a batch at a time (ServiceSpec.unhurried):
# the order's news from fulfillment.
UNHURRIED = (topics.FULFILLMENT_STATUS,)


def subscriptions(rules: ScreeningRules) -> Subscriptions:
    subs = Subscriptions()
    on_marketplace = partial(subs.on, topics.MARKETPLACE_ORDERS)
    subs.on_batch(topics.MARKETPLACE_ORDERS, MarketplaceOrderPublished)(
        partial(use_cases.take_marketplace_orders, rules=rules)
    )
    on_marketplace(MarketplaceOrderCancelled)(use_cases.cancel_order)
    on_marketplace(MarketplaceAddressChanged)(partial(use_cases.change_address, rules=rules))
    on_marketplace(MarketplacePaymentChanged)(partial(use_cases.change_payment, rules=rules))
    on_marketplace(MarketplaceOrderRefunded)(use_cases.refund_order)
    subs.on(topics.ROUTING_UNROUTABLE, OrderUnroutable)(use_cases.hold_unroutable_order)
    subs.on_batch(topics.FULFILLMENT_STATUS, ShipmentStatusChanged, only=use_cases.is_order_news)(
        use_cases.note_shipments
    )
    subs.on(topics.FULFILLMENT_STATUS, AddressChangeTooLate)(use_cases.note_address_too_late)
    subs.on(topics.FULFILLMENT_STATUS, AddressChangeApplied)(use_cases.note_address_relabelled)
    subs.on(topics.FULFILLMENT_STATUS, ChangeSentToWarehouse)(use_cases.note_change_sent)
    subs.on(topics.PRIVACY_ERASURES, CustomerDataErased)(privacy.use_cases.record_erased)
    return subs
