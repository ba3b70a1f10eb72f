"""A periodic task's rounds: what each handled is counted on /metrics once committed."""

import httpx
import pytest
from orderflow_runtime import ServiceSettings, ServiceSpec, Subscriptions, UnitOfWork, every
from orderflow_testing.system import TestSystem, eventually

pytestmark = pytest.mark.integration


class QuietSettings(ServiceSettings):
    pass


def purging_service(rounds: list[int]) -> ServiceSpec:
    """Its purge erases 3 records a round, then nothing; a round that fails counts nothing."""

    async def purge_buyer_data(uow: UnitOfWork) -> int:
        rounds.append(len(rounds))
        if len(rounds) == 2:
            await uow.conn.execute("SELECT 1/0")  # a round the database refuses
        return 3 if len(rounds) <= 3 else 0

    return ServiceSpec(
        name="purger",
        migrations_package="orderflow_runtime",
        subscriptions=Subscriptions(),
        background=(every(0.05, purge_buyer_data),),
    )


async def test_what_a_periodic_task_handled_is_counted_on_metrics(system: TestSystem) -> None:
    await system.create_topics([])
    rounds: list[int] = []
    service = await system.start("purger", lambda _: purging_service(rounds), QuietSettings)
    await eventually(lambda: _true(len(rounds) >= 5))

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://purger"
    ) as client:
        text = (await client.get("/metrics")).text

    assert 'orderflow_periodic_work_items_total{work="purge_buyer_data"} 6.0' in text


async def _true(value: bool) -> bool:
    return value
