"""notifications' tables, a module per concern; callers use `store.<name>`."""

from orderflow_notifications.store.contacts import known_orders, save_contacts
from orderflow_notifications.store.preferences import (
    confirm_channels,
    customer_preferences,
    seller_preferences,
    set_customer_preferences,
    set_seller_preferences,
    unsubscribe,
)
from orderflow_notifications.store.queue import (
    Attempt,
    News,
    give_up_unconfirmed,
    hold,
    lease_due,
    mark_sending,
    queue,
    record_attempts,
    refunds_told_one_by_one,
    shipped_orders,
    supersede_refund_statuses,
    told_of,
)
from orderflow_notifications.store.suppressions import (
    replace_suppression,
    suppress,
    suppressions,
)
from orderflow_notifications.store.transits import (
    Departure,
    departures,
    lane_transits,
    note_transits,
    predicted_late,
    set_expected_arrivals,
)
from orderflow_notifications.store.views import delivery_logs, kpi_figures, notifications, summary

__all__ = [
    "Attempt",
    "Departure",
    "News",
    "confirm_channels",
    "customer_preferences",
    "delivery_logs",
    "departures",
    "give_up_unconfirmed",
    "hold",
    "known_orders",
    "kpi_figures",
    "lane_transits",
    "lease_due",
    "mark_sending",
    "note_transits",
    "notifications",
    "predicted_late",
    "queue",
    "record_attempts",
    "refunds_told_one_by_one",
    "replace_suppression",
    "save_contacts",
    "seller_preferences",
    "set_customer_preferences",
    "set_expected_arrivals",
    "set_seller_preferences",
    "shipped_orders",
    "summary",
    "supersede_refund_statuses",
    "suppress",
    "suppressions",
    "told_of",
    "unsubscribe",
]
