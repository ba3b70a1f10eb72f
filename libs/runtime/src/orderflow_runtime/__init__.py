"""The runtime every orderflow service shares: settings, database, outbox and relay, inbox,
the Kafka consumer with retries and dead-lettering, logging, health."""

from orderflow_runtime.consumer import Item, Subscriptions
from orderflow_runtime.errors import PoisonMessage
from orderflow_runtime.progress import OwnedPartitions
from orderflow_runtime.service import (
    RunningService,
    ServiceSpec,
    every,
    every_with_service,
    run,
    start_service,
    unit_of_work,
)
from orderflow_runtime.settings import ServiceSettings
from orderflow_runtime.unit_of_work import UnitOfWork

__all__ = [
    "Item",
    "OwnedPartitions",
    "PoisonMessage",
    "RunningService",
    "ServiceSettings",
    "ServiceSpec",
    "Subscriptions",
    "UnitOfWork",
    "every",
    "every_with_service",
    "run",
    "start_service",
    "unit_of_work",
]
