from datetime import timedelta

from orderflow_contracts.setup import SellerSetup
from orderflow_runtime import RunningService, ServiceSpec, UnitOfWork, every

from orderflow_inventory import api, kpis, privacy, store, use_cases
from orderflow_inventory.config import Settings
from orderflow_inventory.handlers import UNHURRIED, subscriptions


def create_spec(settings: Settings) -> ServiceSpec:
    setup = SellerSetup.load(settings.seller_setup_file)
    ttl = timedelta(minutes=settings.reservation_ttl_minutes)

    async def load_setup(service: RunningService) -> None:
        async with service.pool.acquire() as conn:
            await store.catalog.load_setup(conn, setup)

    async def expire_reservations(uow: UnitOfWork) -> int:
        return await use_cases.expire_unconfirmed(uow, ttl)

    retention = timedelta(days=settings.pii_retention_days)

    async def purge_buyer_data(uow: UnitOfWork) -> int:
        return await privacy.use_cases.purge_expired(uow, retention)

    return ServiceSpec(
        name="inventory",
        migrations_package="orderflow_inventory",
        subscriptions=subscriptions,
        on_start=load_setup,
        unhurried=UNHURRIED,
        background=(
            every(settings.levels_interval_s, use_cases.publish_due_levels),
            every(settings.expiry_check_interval_s, expire_reservations),
            every(settings.slow_mover_check_interval_s, use_cases.flag_slow_movers),
            every(settings.pii_purge_interval_s, purge_buyer_data),
        ),
        api=api.router,
        kpis=kpis.for_metrics,
        admin_routes=("/products", "/locations", "/channels"),
    )
