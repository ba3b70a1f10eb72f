"""The ledger lives in `store.ledger`; `reconcile` is also importable from here because
tests/faults' checker imports `orderflow_inventory.ledger.reconcile`."""

from orderflow_inventory.store.ledger import reconcile

__all__ = ["reconcile"]
