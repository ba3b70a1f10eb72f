"""Every event notifications consumes, in one place."""

from functools import partial

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.intake import OrderAccepted, OrderCancelled, OrderRefunded
from orderflow_contracts.inventory import OrderBackordered
from orderflow_contracts.privacy import CustomerErasureRequested
from orderflow_runtime import Subscriptions

from orderflow_notifications import privacy, use_cases
from orderflow_notifications.lanes import LaneTransits


def subscriptions(merge_window_s: float = 0, lanes: LaneTransits | None = None) -> Subscriptions:
    """`merge_window_s`: what is queued is due that much later, so an order's burst of news
    goes out as one message. `lanes`: when a departed parcel is expected."""
    lanes = lanes or LaneTransits()
    subs = Subscriptions()
    within = partial(partial, merge_window_s=merge_window_s)
    subs.on_batch(topics.ORDERS, OrderAccepted)(
        partial(use_cases.remember_contacts, merge_window_s=merge_window_s, lanes=lanes)
    )
    subs.on_batch(topics.ORDERS, OrderCancelled)(within(use_cases.tell_cancelled))
    subs.on_batch(topics.ORDERS, OrderRefunded)(within(use_cases.tell_refunded))
    subs.on_batch(topics.FULFILLMENT_STATUS, ShipmentStatusChanged, only=use_cases.is_news)(
        partial(use_cases.queue_notifications, merge_window_s=merge_window_s, lanes=lanes)
    )
    subs.on_batch(topics.INVENTORY_BACKORDERS, OrderBackordered)(within(use_cases.tell_backordered))
    subs.on(topics.PRIVACY_ERASURES, CustomerErasureRequested)(privacy.use_cases.erase_customer)
    return subs
