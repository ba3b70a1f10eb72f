from orderflow_runtime import ServiceSpec

from orderflow_notifications import api
from orderflow_notifications.config import Settings
from orderflow_notifications.handlers import subscriptions
from orderflow_notifications.sender import sender_task
from orderflow_notifications.templates import Catalog


def create_spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="notifications",
        migrations_package="orderflow_notifications",
        subscriptions=subscriptions,
        # A seller's template folder that does not read stops the service here, at start.
        background=(sender_task(settings, Catalog.load(settings.templates_dir)),),
        api=api.router,
    )
