"""The buyer's data in routing (the accepted order it plans from) kept only while needed:
erased on a customer's erasure, and purged once the order is settled and old."""

from orderflow_routing.privacy import use_cases

__all__ = ["use_cases"]
