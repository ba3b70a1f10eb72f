"""A customer's contact kept only while needed: erased on an erasure request, and purged once
every notification of the order is settled and old."""

from orderflow_notifications.privacy import use_cases

__all__ = ["use_cases"]
