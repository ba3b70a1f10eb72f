from orderflow_runtime import ServiceSpec

from orderflow_notifications import api
from orderflow_notifications.config import Settings
from orderflow_notifications.handlers import subscriptions
from orderflow_notifications.sender import sender_task


def create_spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="notifications",
        migrations_package="orderflow_notifications",
        subscriptions=subscriptions,
        background=(sender_task(settings),),
        api=api.router,
    )
