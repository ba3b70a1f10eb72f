from orderflow_runtime import ServiceSpec

from orderflow_inventory.config import Settings
from orderflow_inventory.handlers import subscriptions


def create_spec(settings: Settings) -> ServiceSpec:
    return ServiceSpec(
        name="inventory", migrations_package="orderflow_inventory", subscriptions=subscriptions
    )
