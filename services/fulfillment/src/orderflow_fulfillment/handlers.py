"""Every event fulfillment consumes, in one place."""

from functools import partial

from orderflow_contracts import topics
from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.intake import OrderAddressChanged, OrderCancelled
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.marketplace import TrackingUploadAnswered
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_runtime import Subscriptions

from orderflow_fulfillment import tracking, uploads, use_cases, warehouse_reports
from orderflow_fulfillment.ship_by import HandlingTimes

# News no order waits on for its pick task, read a batch at a time (ServiceSpec.unhurried):
# the warehouse's, the carrier's and the marketplace's news of a parcel.
UNHURRIED = (topics.WAREHOUSE_EVENTS, topics.CARRIER_TRACKING, topics.MARKETPLACE_TRACKING)


def subscriptions(handling: HandlingTimes) -> Subscriptions:
    """`handling`: the seller's handling time per channel, for orders sent without a ship-by."""
    subs = Subscriptions()
    subs.on_batch(topics.INVENTORY_RESERVATIONS, StockReserved)(
        partial(use_cases.issue_pick_tasks, handling=handling)
    )
    subs.on_batch(topics.WAREHOUSE_EVENTS, WarehouseReported)(
        warehouse_reports.apply_warehouse_reports
    )
    subs.on_batch(topics.CARRIER_TRACKING, TrackingUpdated)(tracking.apply_tracking)
    subs.on(topics.ORDER_CHANGES, OrderCancelled)(use_cases.stop_cancelled_orders)
    subs.on(topics.ORDER_CHANGES, OrderAddressChanged)(use_cases.redirect_shipments)
    subs.on_batch(topics.MARKETPLACE_TRACKING, TrackingUploadAnswered)(uploads.apply_upload_answers)
    return subs
