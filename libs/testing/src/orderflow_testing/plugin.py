"""pytest fixtures: PostgreSQL and the broker once per session, `system` (a fresh namespace)
per test, `migrated_databases` for use-case tests that need no broker."""

from collections.abc import AsyncIterator, Iterator

import pytest

from orderflow_testing.infrastructure import Infrastructure, test_infrastructure, test_postgres
from orderflow_testing.system import TestSystem
from orderflow_testing.use_cases import MigratedDatabases


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with test_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def infrastructure(postgres_url: str) -> Iterator[Infrastructure]:
    with test_infrastructure(postgres_url) as started:
        yield started


@pytest.fixture(scope="session")
def migrated_databases(postgres_url: str) -> MigratedDatabases:
    return MigratedDatabases(postgres_url)


@pytest.fixture
async def system(infrastructure: Infrastructure) -> AsyncIterator[TestSystem]:
    test_system = TestSystem(infrastructure)
    yield test_system
    await test_system.close()
