"""A service spec that names an unhurried topic it does not read, or a replica (caught up in
the service's own group before it consumes) as unhurried, stops the service at start."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.warehouse import StockReceived
from orderflow_runtime import ServiceSpec, Subscriptions, UnitOfWork


async def ignore(_uow: UnitOfWork, _event: StockReceived) -> None:
    return None


def spec(unhurried: tuple[str, ...], replicas: tuple[str, ...] = ()) -> ServiceSpec:
    subscriptions = Subscriptions()
    subscriptions.on(topics.WAREHOUSE_STOCK, StockReceived)(ignore)
    subscriptions.on(topics.CATALOG_PRODUCTS, StockReceived)(ignore)
    return ServiceSpec(
        name="s",
        migrations_package="orderflow_runtime",
        subscriptions=subscriptions,
        unhurried=unhurried,
        replicas=replicas,
    )


def test_an_unhurried_topic_is_one_the_service_reads() -> None:
    assert spec(unhurried=(topics.WAREHOUSE_STOCK,)).unhurried == (topics.WAREHOUSE_STOCK,)
    with pytest.raises(ValueError, match="does not subscribe to"):
        spec(unhurried=(topics.ORDERS,))


def test_a_replica_is_not_unhurried() -> None:
    with pytest.raises(ValueError, match="replicas are caught up"):
        spec(unhurried=(topics.CATALOG_PRODUCTS,), replicas=(topics.CATALOG_PRODUCTS,))
