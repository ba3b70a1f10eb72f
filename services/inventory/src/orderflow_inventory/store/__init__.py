"""inventory's tables: every SQL statement of the service is in this package, one module per
table or aggregate, each function taking the caller's connection (its transaction, or one from
the pool for a read).

Locking, the same everywhere so concurrent writers queue instead of deadlocking: first the SKUs
(`stock.lock_skus`, in SKU order), then reservations, then stock rows in (sku, location) order."""

from orderflow_inventory.store import (
    alerts,
    audit,
    backorders,
    catalog,
    held_events,
    kpis,
    ledger,
    levels_due,
    replans,
    reservations,
    sales,
    stock,
    stock_changes,
)

__all__ = [
    "alerts",
    "audit",
    "backorders",
    "catalog",
    "held_events",
    "kpis",
    "ledger",
    "levels_due",
    "replans",
    "reservations",
    "sales",
    "stock",
    "stock_changes",
]
