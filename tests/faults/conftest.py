from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from orderflow_embedded import SmtpSink
from orderflow_testing.system import TestSystem

from tests.faults.stack import FaultStack


@pytest.fixture
async def stack(system: TestSystem, smtp: SmtpSink, tmp_path: Path) -> AsyncIterator[FaultStack]:
    started = FaultStack(system, smtp, tmp_path / "logs")
    yield started
    await started.stop()
