from orderflow_contracts.setup import SellerSetup
from orderflow_runtime import RunningService, ServiceSpec

from orderflow_intake import store
from orderflow_intake.config import Settings
from orderflow_intake.domain import PostalCodeRules
from orderflow_intake.handlers import subscriptions


def create_spec(settings: Settings) -> ServiceSpec:
    setup = SellerSetup.load(settings.seller_setup_file)

    async def load_reference_data(service: RunningService) -> None:
        async with service.pool.acquire() as conn:
            await store.load_listings(conn, setup.listings)

    return ServiceSpec(
        name="intake",
        migrations_package="orderflow_intake",
        subscriptions=subscriptions(PostalCodeRules.load(settings.postal_code_rules_file)),
        on_start=load_reference_data,
    )
