"""The buyer's address in inventory (the plan a reservation keeps, to re-reserve a backorder)
kept only while needed: erased on a customer's erasure, and purged once the reservation is
settled and old."""

from orderflow_inventory.privacy import use_cases

__all__ = ["use_cases"]
