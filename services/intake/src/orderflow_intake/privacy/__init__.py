"""Buyer data kept only while needed: an operator's erasure of one customer across the
services (requested and tracked here), and the retention purge of closed orders."""

from orderflow_intake.privacy import use_cases

__all__ = ["use_cases"]
