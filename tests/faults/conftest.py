import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from orderflow_embedded import SmtpSink
from orderflow_testing.system import TestSystem

from tests.faults.own import OwnInfrastructure
from tests.faults.stack import FaultStack


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def fault_dir(request: pytest.FixtureRequest) -> Iterator[Path]:
    """Logs and data of one fault test, outside pytest's tmp_path: a concurrent pytest session
    removes all but its three latest base folders, which took a long run's PostgreSQL data and
    service logs from under it. Kept when the test failed."""
    folder = Path(tempfile.mkdtemp(prefix="orderflow-faults-"))
    yield folder
    if request.node.stash.get(_FAILED, False):
        print(f"\nkept for the failed test: {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
async def stack(system: TestSystem, smtp: SmtpSink, fault_dir: Path) -> AsyncIterator[FaultStack]:
    started = FaultStack(system, smtp, fault_dir / "logs")
    yield started
    await started.stop()


@pytest.fixture
def own_infrastructure(fault_dir: Path) -> Iterator[OwnInfrastructure]:
    """A broker and PostgreSQL of the test's own, to crash, freeze or replace."""
    own = OwnInfrastructure(fault_dir / "infrastructure")
    own.start()
    yield own
    own.stop()


@pytest.fixture
async def own_stack(
    own_infrastructure: OwnInfrastructure, smtp: SmtpSink, fault_dir: Path
) -> AsyncIterator[FaultStack]:
    """The fault stack on the test's own broker and PostgreSQL (`stack.own`)."""
    system = TestSystem(own_infrastructure.infrastructure)
    started = FaultStack(system, smtp, fault_dir / "logs", own=own_infrastructure)
    yield started
    await started.stop()
    await system.close()
