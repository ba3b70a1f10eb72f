from datetime import timedelta
from functools import partial

from orderflow_contracts import topics
from orderflow_contracts.setup import SellerSetup
from orderflow_runtime import RunningService, ServiceSpec, UnitOfWork, every

from orderflow_routing import api, kpis, privacy, store
from orderflow_routing.config import Settings
from orderflow_routing.domain import Network
from orderflow_routing.handlers import UNHURRIED, subscriptions
from orderflow_routing.use_cases import References


def create_spec(settings: Settings) -> ServiceSpec:
    setup = SellerSetup.load(settings.seller_setup_file)
    references = References(Network.from_setup(setup))  # validated here: a bad file stops it

    async def load_network(service: RunningService) -> None:
        async with service.pool.acquire() as conn:
            await store.load_network(conn, setup)
            await references.current(conn)

    retention = timedelta(days=settings.pii_retention_days)

    async def purge_buyer_data(uow: UnitOfWork) -> int:
        return await privacy.use_cases.purge_expired(uow, retention)

    return ServiceSpec(
        name="routing",
        migrations_package="orderflow_routing",
        subscriptions=subscriptions(settings, None, references),
        on_start=load_network,
        replicas=(topics.INVENTORY_LEVELS, topics.CATALOG_PRODUCTS),  # read before planning
        unhurried=UNHURRIED,
        background=(every(settings.pii_purge_interval_s, purge_buyer_data),),
        api=partial(api.router, references=references),
        kpis=kpis.for_metrics,
        admin_routes=("/reference",),  # changing the reference data; reading it is read
    )
