from orderflow_runtime import ServiceSpec

from orderflow_fulfillment import api
from orderflow_fulfillment.config import Settings
from orderflow_fulfillment.handlers import subscriptions


def create_spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="fulfillment",
        migrations_package="orderflow_fulfillment",
        subscriptions=subscriptions,
        api=api.router,
    )
