"""Every event routing consumes, in one place."""

from functools import partial

from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.inventory import ReservationRejected, StockLevelChanged, StockReserved
from orderflow_runtime import Subscriptions

from orderflow_routing import services
from orderflow_routing.config import Settings


def subscriptions(settings: Settings) -> Subscriptions:
    subs = Subscriptions()
    subs.on(topics.ORDERS, OrderAccepted)(services.plan_order)
    subs.on(topics.INVENTORY_RESERVATIONS, ReservationRejected)(
        partial(services.replan_rejected, max_attempts=settings.max_plan_attempts)
    )
    subs.on(topics.INVENTORY_RESERVATIONS, StockReserved)(services.confirm_reserved)
    subs.on(topics.INVENTORY_LEVELS, StockLevelChanged)(services.refresh_replica)
    return subs
