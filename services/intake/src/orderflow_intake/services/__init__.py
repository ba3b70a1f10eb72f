"""intake's use cases: marketplace orders and their updates in, one canonical order out, abnormal
orders held in the exception queue with a reason."""

from orderflow_intake.services.orders import (
    hold_unroutable_order,
    take_marketplace_order,
    take_marketplace_orders,
)
from orderflow_intake.services.reparse import reparse_accepted
from orderflow_intake.services.screen import rescreen, screen, settle
from orderflow_intake.services.updates import (
    apply_address,
    apply_cancel,
    cancel_order,
    change_address,
    change_payment,
    note_shipments,
)

__all__ = [
    "apply_address",
    "apply_cancel",
    "cancel_order",
    "change_address",
    "change_payment",
    "hold_unroutable_order",
    "note_shipments",
    "reparse_accepted",
    "rescreen",
    "screen",
    "settle",
    "take_marketplace_order",
    "take_marketplace_orders",
]
