from datetime import timedelta

from fastapi import APIRouter
from orderflow_contracts.setup import SellerSetup
from orderflow_runtime import RunningService, ServiceSpec, UnitOfWork, every

from orderflow_intake import api, catalog, kpis, privacy, store
from orderflow_intake.api import privacy as privacy_api
from orderflow_intake.config import Settings
from orderflow_intake.domain import PostalCodeRules
from orderflow_intake.handlers import UNHURRIED, subscriptions
from orderflow_intake.screening import RestrictedGoods, ScreeningRules


def create_spec(settings: Settings) -> ServiceSpec:
    setup = SellerSetup.load(settings.seller_setup_file)
    # A bad mapping must stop the service at start, not mis-route orders later.
    catalog.check(setup.listings, {product.sku for product in setup.products})
    rules = ScreeningRules(
        postal_codes=PostalCodeRules.load(settings.postal_code_rules_file),
        restricted=RestrictedGoods.load(settings.restricted_goods_rules_file),
        attributes=ScreeningRules.attributes_of(setup.products),
        duplicate_window=timedelta(hours=settings.duplicate_window_hours),
    )

    async def load_reference_data(service: RunningService) -> None:
        async with service.pool.acquire() as conn:
            await store.load_listings(conn, setup.listings)

    def routes(service: RunningService) -> APIRouter:
        router = api.create_router(service.pool, settings, rules, setup)
        router.include_router(privacy_api.create_router(service.pool))
        return router

    retention = timedelta(days=settings.pii_retention_days)

    async def purge_buyer_data(uow: UnitOfWork) -> int:
        return await privacy.use_cases.purge_expired(uow, retention)

    return ServiceSpec(
        name="intake",
        migrations_package="orderflow_intake",
        subscriptions=subscriptions(rules),
        on_start=load_reference_data,
        unhurried=UNHURRIED,
        background=(every(settings.pii_purge_interval_s, purge_buyer_data),),
        api=routes,
        kpis=kpis.for_metrics,
        public_routes=("/webhooks",),  # a marketplace signs its webhooks: no operator key
        admin_routes=("/listings", "/products"),
    )
