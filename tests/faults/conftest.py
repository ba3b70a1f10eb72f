from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from orderflow_embedded import SmtpSink
from orderflow_testing.system import TestSystem

from tests.faults.own import OwnInfrastructure
from tests.faults.stack import FaultStack


@pytest.fixture
async def stack(system: TestSystem, smtp: SmtpSink, tmp_path: Path) -> AsyncIterator[FaultStack]:
    started = FaultStack(system, smtp, tmp_path / "logs")
    yield started
    await started.stop()


@pytest.fixture
def own_infrastructure(tmp_path: Path) -> Iterator[OwnInfrastructure]:
    """A broker and PostgreSQL of the test's own, to crash, freeze or replace."""
    own = OwnInfrastructure(tmp_path / "infrastructure")
    own.start()
    yield own
    own.stop()


@pytest.fixture
async def own_stack(
    own_infrastructure: OwnInfrastructure, smtp: SmtpSink, tmp_path: Path
) -> AsyncIterator[FaultStack]:
    """The fault stack on the test's own broker and PostgreSQL (`stack.own`)."""
    infrastructure = own_infrastructure.infrastructure
    system = TestSystem(infrastructure)
    started = FaultStack(system, smtp, tmp_path / "logs", own=own_infrastructure)
    yield started
    await started.stop()
    await system.close()
