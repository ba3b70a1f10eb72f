"""pytest fixtures: `infrastructure` once per session, `system` (a fresh namespace) per test."""

from collections.abc import AsyncIterator, Iterator

import pytest

from orderflow_testing.infrastructure import Infrastructure, test_infrastructure
from orderflow_testing.system import TestSystem


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[Infrastructure]:
    with test_infrastructure() as started:
        yield started


@pytest.fixture
async def system(infrastructure: Infrastructure) -> AsyncIterator[TestSystem]:
    test_system = TestSystem(infrastructure)
    yield test_system
    await test_system.close()
