"""Every event notifications consumes, in one place."""

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.intake import OrderAccepted, OrderCancelled
from orderflow_contracts.inventory import OrderBackordered
from orderflow_contracts.privacy import CustomerErasureRequested
from orderflow_runtime import Subscriptions

from orderflow_notifications import privacy, use_cases

subscriptions = Subscriptions()
subscriptions.on_batch(topics.ORDERS, OrderAccepted)(use_cases.remember_contacts)
subscriptions.on_batch(topics.ORDERS, OrderCancelled)(use_cases.tell_cancelled)
subscriptions.on_batch(topics.FULFILLMENT_STATUS, ShipmentStatusChanged)(
    use_cases.queue_notifications
)
subscriptions.on_batch(topics.INVENTORY_RESERVATIONS, OrderBackordered)(use_cases.tell_backordered)
subscriptions.on(topics.PRIVACY_ERASURES, CustomerErasureRequested)(
    privacy.use_cases.erase_customer
)
