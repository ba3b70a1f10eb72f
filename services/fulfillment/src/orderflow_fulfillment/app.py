import asyncio
from datetime import UTC, datetime

import asyncpg
import structlog
from orderflow_runtime import RunningService, ServiceSpec

from orderflow_fulfillment import api, use_cases
from orderflow_fulfillment.config import Settings
from orderflow_fulfillment.handlers import subscriptions

log = structlog.get_logger()


def create_spec(settings: Settings) -> ServiceSpec:
    async def watch_ship_by(service: RunningService) -> None:
        while True:
            try:
                async with service.unit_of_work() as uow:
                    await use_cases.escalate_ship_by(uow, datetime.now(UTC))
            except (asyncpg.PostgresError, OSError) as error:  # the next round tries again
                log.error("fulfillment.ship_by_check_failed", error=repr(error))
            await asyncio.sleep(settings.ship_by_check_interval_s)

    return ServiceSpec(
        name="fulfillment",
        migrations_package="orderflow_fulfillment",
        subscriptions=subscriptions,
        background=(watch_ship_by,),
        api=api.router,
    )
