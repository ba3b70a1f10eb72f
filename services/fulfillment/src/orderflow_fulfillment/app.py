from datetime import UTC, datetime

from orderflow_contracts.setup import SellerSetup
from orderflow_runtime import ServiceSpec, UnitOfWork, every

from orderflow_fulfillment import api, kpis, uploads, use_cases
from orderflow_fulfillment.config import Settings
from orderflow_fulfillment.handlers import UNHURRIED, subscriptions
from orderflow_fulfillment.ship_by import HandlingTimes


def create_spec(settings: Settings) -> ServiceSpec:
    handling = HandlingTimes.from_setup(SellerSetup.load(settings.seller_setup_file))

    async def check_ship_by(uow: UnitOfWork) -> int:
        return await use_cases.escalate_ship_by(uow, datetime.now(UTC))

    async def retry_tracking_uploads(uow: UnitOfWork) -> int:
        return await uploads.retry_uploads(uow, datetime.now(UTC))

    return ServiceSpec(
        name="fulfillment",
        migrations_package="orderflow_fulfillment",
        subscriptions=subscriptions(handling),
        unhurried=UNHURRIED,
        background=(
            every(settings.ship_by_check_interval_s, check_ship_by),
            every(settings.upload_retry_interval_s, retry_tracking_uploads),
        ),
        api=api.router,
        kpis=kpis.for_metrics,
    )
