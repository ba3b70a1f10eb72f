"""Every event notifications consumes, in one place."""

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatusChanged
from orderflow_contracts.intake import OrderAccepted
from orderflow_runtime import Subscriptions

from orderflow_notifications import services

subscriptions = Subscriptions()
subscriptions.on_batch(topics.ORDERS, OrderAccepted)(services.remember_contacts)
subscriptions.on_batch(topics.FULFILLMENT_STATUS, ShipmentStatusChanged)(
    services.queue_notifications
)
