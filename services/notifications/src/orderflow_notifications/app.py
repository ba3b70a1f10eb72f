from datetime import timedelta

from orderflow_runtime import ServiceSpec, UnitOfWork, every

from orderflow_notifications import api, privacy
from orderflow_notifications.config import Settings
from orderflow_notifications.handlers import subscriptions
from orderflow_notifications.sender import sender_task
from orderflow_notifications.templates import Catalog


def create_spec(settings: Settings) -> ServiceSpec:
    retention = timedelta(days=settings.pii_retention_days)

    async def purge_contacts(uow: UnitOfWork) -> int:
        return await privacy.use_cases.purge_expired(uow, retention)

    return ServiceSpec(
        name="notifications",
        migrations_package="orderflow_notifications",
        subscriptions=subscriptions,
        # A seller's template folder that does not read stops the service here, at start.
        background=(
            sender_task(settings, Catalog.load(settings.templates_dir)),
            every(settings.pii_purge_interval_s, purge_contacts),
        ),
        api=api.router,
    )
