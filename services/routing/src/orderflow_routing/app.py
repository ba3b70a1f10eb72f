from orderflow_contracts import topics
from orderflow_contracts.setup import SellerSetup
from orderflow_runtime import RunningService, ServiceSpec

from orderflow_routing import api, store
from orderflow_routing.config import Settings
from orderflow_routing.domain import Network
from orderflow_routing.handlers import subscriptions


def create_spec(settings: Settings) -> ServiceSpec:
    setup = SellerSetup.load(settings.seller_setup_file)

    async def load_network(service: RunningService) -> None:
        async with service.pool.acquire() as conn:
            await store.load_network(conn, setup)

    return ServiceSpec(
        name="routing",
        migrations_package="orderflow_routing",
        subscriptions=subscriptions(settings, Network.from_setup(setup)),
        on_start=load_network,
        replicas=(topics.INVENTORY_LEVELS,),
        api=api.router,
    )
