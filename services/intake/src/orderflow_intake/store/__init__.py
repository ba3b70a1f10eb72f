"""intake's tables (write side), through the caller's transaction connection."""

from orderflow_intake.store.listings import all_listings, listings_for, load_listings, put_listing
from orderflow_intake.store.orders import (
    accept,
    cancel,
    canonical_of,
    hold,
    insert_order,
    lock_order,
    lock_order_by_key,
    mark_shipped,
    open_holds,
    recent_orders_of,
    resolve_holds,
    save_canonical,
    set_channel_ship_to,
    set_payment,
    set_ship_to,
    waive,
)
from orderflow_intake.store.records import audit, insert_raw, lock_raw, set_raw_outcome
from orderflow_intake.store.updates import drop_parked, park, parked_for

__all__ = [
    "accept",
    "all_listings",
    "audit",
    "cancel",
    "canonical_of",
    "drop_parked",
    "hold",
    "insert_order",
    "insert_raw",
    "listings_for",
    "load_listings",
    "lock_order",
    "lock_order_by_key",
    "lock_raw",
    "mark_shipped",
    "open_holds",
    "park",
    "parked_for",
    "put_listing",
    "recent_orders_of",
    "resolve_holds",
    "save_canonical",
    "set_channel_ship_to",
    "set_payment",
    "set_raw_outcome",
    "set_ship_to",
    "waive",
]
