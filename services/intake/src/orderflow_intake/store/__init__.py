"""intake's tables: all of the service's SQL. The write side (listings, orders, records,
updates, batch) takes the caller's transaction connection; the read side the API serves (views:
the order view and the exception queue; records: raw payloads and the audit trail; kpis) reads
through the pool."""

from orderflow_intake.store.kpis import kpi_figures
from orderflow_intake.store.listings import all_listings, listings_for, load_listings, put_listing
from orderflow_intake.store.orders import (
    accept,
    cancel,
    canonical_of,
    hold,
    insert_order,
    lock_channel_orders,
    lock_order,
    lock_order_by_key,
    mark_shipped,
    open_holds,
    order_status,
    recent_orders_of,
    resolve_holds,
    save_canonical,
    set_channel_ship_to,
    set_payment,
    set_ship_to,
    waive,
)
from orderflow_intake.store.records import (
    audit,
    audit_of,
    insert_raw,
    lock_raw,
    raw_payload,
    raw_payloads,
    set_raw_outcome,
)
from orderflow_intake.store.updates import drop_parked, park, parked_for
from orderflow_intake.store.views import exceptions_page, holds_of, order_view, orders_page

__all__ = [
    "accept",
    "all_listings",
    "audit",
    "audit_of",
    "cancel",
    "canonical_of",
    "drop_parked",
    "exceptions_page",
    "hold",
    "holds_of",
    "insert_order",
    "insert_raw",
    "kpi_figures",
    "listings_for",
    "load_listings",
    "lock_channel_orders",
    "lock_order",
    "lock_order_by_key",
    "lock_raw",
    "mark_shipped",
    "open_holds",
    "order_status",
    "order_view",
    "orders_page",
    "park",
    "parked_for",
    "put_listing",
    "raw_payload",
    "raw_payloads",
    "recent_orders_of",
    "resolve_holds",
    "save_canonical",
    "set_channel_ship_to",
    "set_payment",
    "set_raw_outcome",
    "set_ship_to",
    "waive",
]
