"""Every event fulfillment consumes, in one place."""

from orderflow_contracts import topics
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.intake import OrderAddressChanged, OrderCancelled
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.marketplace import TrackingUploadAnswered
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_runtime import Subscriptions

from orderflow_fulfillment import tracking, uploads, use_cases, warehouse_reports

subscriptions = Subscriptions()
subscriptions.on_batch(topics.INVENTORY_RESERVATIONS, StockReserved)(use_cases.issue_pick_tasks)
subscriptions.on_batch(topics.WAREHOUSE_EVENTS, WarehouseReported)(
    warehouse_reports.apply_warehouse_reports
)
subscriptions.on_batch(topics.CARRIER_TRACKING, TrackingUpdated)(tracking.apply_tracking)
subscriptions.on(topics.ORDERS, OrderCancelled)(use_cases.stop_cancelled_orders)
subscriptions.on(topics.ORDERS, OrderAddressChanged)(use_cases.redirect_shipments)
subscriptions.on_batch(topics.MARKETPLACE_TRACKING, TrackingUploadAnswered)(
    uploads.apply_upload_answers
)
