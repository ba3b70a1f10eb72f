"""Every event routing consumes, in one place."""

from functools import partial

from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted, ProductDefined
from orderflow_contracts.inventory import (
    RejectedLinesReleased,
    ReservationHeld,
    ReservationRejected,
    StockLevelChanged,
    StockReserved,
)
from orderflow_contracts.privacy import CustomerErasureRequested
from orderflow_runtime import Subscriptions

from orderflow_routing import catalog, privacy, replan, use_cases
from orderflow_routing.config import Settings
from orderflow_routing.domain import Network
from orderflow_routing.reference import ReferenceData
from orderflow_routing.use_cases import References

# News no order waits on for its pick task, read a batch at a time (ServiceSpec.unhurried):
# mostly confirmations; a rejected reservation's re-plan waits up to fetch_max_wait_ms.
UNHURRIED = (topics.INVENTORY_RESERVATIONS,)


def subscriptions(
    settings: Settings, network: Network | None, references: References | None = None
) -> Subscriptions:
    """`references` is the reference data in use, shared with the API; without it, `network`
    until a version is stored."""
    refs = references or References(network or Network(ReferenceData()))
    subs = Subscriptions()
    subs.on_batch(topics.ORDERS, OrderAccepted)(partial(use_cases.plan_orders, references=refs))
    subs.on(topics.INVENTORY_RESERVATIONS, ReservationRejected)(
        partial(use_cases.replan_rejected, references=refs, max_attempts=settings.max_plan_attempts)
    )
    subs.on(topics.INVENTORY_RESERVATIONS, ReservationHeld)(use_cases.hold_short_order)
    subs.on_batch(topics.INVENTORY_RESERVATIONS, StockReserved)(use_cases.confirm_reserved)
    subs.on_batch(topics.INVENTORY_LEVELS, StockLevelChanged)(use_cases.refresh_replica)
    subs.on(topics.CATALOG_PRODUCTS, ProductDefined)(catalog.define_product)
    subs.on(topics.PRIVACY_ERASURES, CustomerErasureRequested)(privacy.use_cases.erase_customer)
    subs.on(topics.INVENTORY_RESERVATIONS, RejectedLinesReleased)(
        partial(replan.replan_rejected_lines, decide=replan.deciding_with(refs))
    )
    return subs
