"""intake's use cases: marketplace orders and their updates in, one canonical order out, abnormal
orders held in the exception queue with a reason."""

from orderflow_intake.use_cases.after_pick_task import note_change_sent
from orderflow_intake.use_cases.documents import (
    Unreadable,
    keep_unreadable,
    read,
    take,
    take_marketplace_orders,
)
from orderflow_intake.use_cases.orders import hold_unroutable_order
from orderflow_intake.use_cases.refunds import refund_order
from orderflow_intake.use_cases.reparse import reparse_accepted
from orderflow_intake.use_cases.screen import rescreen, screen, settle
from orderflow_intake.use_cases.updates import (
    apply_address,
    apply_cancel,
    cancel_order,
    change_address,
    change_payment,
    is_order_news,
    note_address_relabelled,
    note_address_too_late,
    note_shipments,
)

__all__ = [
    "Unreadable",
    "apply_address",
    "apply_cancel",
    "cancel_order",
    "change_address",
    "change_payment",
    "hold_unroutable_order",
    "is_order_news",
    "keep_unreadable",
    "note_address_relabelled",
    "note_address_too_late",
    "note_change_sent",
    "note_shipments",
    "read",
    "refund_order",
    "reparse_accepted",
    "rescreen",
    "screen",
    "settle",
    "take",
    "take_marketplace_orders",
]
