from datetime import timedelta

from orderflow_contracts.setup import SellerSetup
from orderflow_runtime import RunningService, ServiceSpec

from orderflow_intake import api, catalog, store
from orderflow_intake.config import Settings
from orderflow_intake.domain import PostalCodeRules
from orderflow_intake.handlers import subscriptions
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

    return ServiceSpec(
        name="intake",
        migrations_package="orderflow_intake",
        subscriptions=subscriptions(rules),
        on_start=load_reference_data,
        api=lambda service: api.create_router(service.pool, settings, rules, setup),
    )
