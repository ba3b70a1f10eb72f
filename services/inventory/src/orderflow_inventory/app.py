import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import asyncpg
import structlog
from orderflow_contracts.setup import SellerSetup
from orderflow_runtime import RunningService, ServiceSpec, UnitOfWork

from orderflow_inventory import api, store, use_cases
from orderflow_inventory.config import Settings
from orderflow_inventory.handlers import subscriptions

log = structlog.get_logger()


def create_spec(settings: Settings) -> ServiceSpec:
    setup = SellerSetup.load(settings.seller_setup_file)
    ttl = timedelta(minutes=settings.reservation_ttl_minutes)

    async def load_setup(service: RunningService) -> None:
        async with service.pool.acquire() as conn:
            await store.catalog.load_setup(conn, setup)

    async def expire_reservations(service: RunningService) -> None:
        await _every(
            settings.expiry_check_interval_s,
            service,
            lambda uow: use_cases.expire_unconfirmed(uow, ttl),
        )

    async def flag_slow_movers(service: RunningService) -> None:
        await _every(settings.slow_mover_check_interval_s, service, use_cases.flag_slow_movers)

    return ServiceSpec(
        name="inventory",
        migrations_package="orderflow_inventory",
        subscriptions=subscriptions,
        on_start=load_setup,
        background=(expire_reservations, flag_slow_movers),
        api=api.router,
    )


async def _every(
    interval_s: float, service: RunningService, work: Callable[[UnitOfWork], Awaitable[int]]
) -> None:
    while True:
        try:
            async with service.unit_of_work() as uow:
                await work(uow)
        except (asyncpg.PostgresError, OSError) as error:  # the next round tries again
            log.error("inventory.periodic_work_failed", error=repr(error))
        await asyncio.sleep(interval_s)
