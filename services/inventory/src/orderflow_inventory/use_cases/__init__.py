"""inventory's use cases, one module per kind of news: plans (routing's plans reserved),
stock_events (the warehouses' documents), shipments (fulfillment's news), releases
(cancellations and expiry), products (those intake's API defines), operator_actions (what an
operator changes over the API, audited with the actor), replans (lines a warehouse will not
ship: given back there, their re-plan reserved) and levels (what follows every change of
stock: backorders filled, alerts, the levels feed a round at a time). Business refusals are events, not exceptions."""

from orderflow_inventory.use_cases import operator_actions
from orderflow_inventory.use_cases.levels import (
    after_stock_change,
    flag_slow_movers,
    publish_due_levels,
)
from orderflow_inventory.use_cases.plans import reserve_plans
from orderflow_inventory.use_cases.products import define_product
from orderflow_inventory.use_cases.releases import expire_unconfirmed, release_cancelled
from orderflow_inventory.use_cases.replans import release_rejected_lines
from orderflow_inventory.use_cases.shipments import confirm_or_commit, is_stock_news
from orderflow_inventory.use_cases.stock_events import (
    apply_stock_event,
    apply_warehouse_document,
    replay_held,
)

__all__ = [
    "after_stock_change",
    "apply_stock_event",
    "apply_warehouse_document",
    "confirm_or_commit",
    "define_product",
    "expire_unconfirmed",
    "flag_slow_movers",
    "is_stock_news",
    "operator_actions",
    "publish_due_levels",
    "release_cancelled",
    "release_rejected_lines",
    "replay_held",
    "reserve_plans",
]
