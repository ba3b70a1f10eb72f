"""A broker and a PostgreSQL server of one test's own, each on a folder of its own, so that the
test can crash, freeze, restart them on their data or replace the broker by an empty one."""

import asyncio
import contextlib
import os
import signal
from pathlib import Path

from orderflow_embedded import EmbeddedBroker, EmbeddedPostgres
from orderflow_testing.infrastructure import Infrastructure


class OwnInfrastructure:
    """A broker and a PostgreSQL server for one test only: the session's are shared by every
    other test and must not be crashed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.postgres = EmbeddedPostgres(data_dir=root / "postgres")
        self.broker = EmbeddedBroker(data_dir=root / "kafka-1", heap_mb=512)
        self._brokers = 1

    def start(self) -> None:
        self.postgres.start()
        self.broker.start()

    @property
    def infrastructure(self) -> Infrastructure:
        """The broker's address stays the same when it is replaced."""
        return Infrastructure(self.broker.bootstrap_servers, self.postgres.url(), "own")

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.broker.stop()
        self.postgres.stop()

    async def restart_postgres(self) -> None:
        """`pg_ctl stop -m immediate`, then the server again on the same data (crash recovery)."""
        await asyncio.to_thread(self.postgres.stop_immediately)
        await asyncio.to_thread(self.postgres.start)

    async def freeze_broker(self, seconds: float) -> None:
        """SIGSTOP the broker's JVM for `seconds`, then SIGCONT: connections stay open and
        nothing answers, as with a long GC pause or a hung host."""
        pid = self.broker.pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)
        try:
            await asyncio.sleep(seconds)
        finally:
            os.kill(pid, signal.SIGCONT)

    async def restart_broker(self) -> None:
        """kill -9, then the broker again on its data folder and ports."""
        await asyncio.to_thread(self.broker.kill)
        await asyncio.to_thread(self.broker.start)

    async def replace_broker(self) -> None:
        """kill -9, and a new broker formatted on an empty folder takes its ports: every topic,
        record and committed offset is gone, and the cluster id is another."""
        lost = self.broker
        await asyncio.to_thread(lost.kill)
        self._brokers += 1
        self.broker = EmbeddedBroker(
            data_dir=self.root / f"kafka-{self._brokers}",
            port=lost.port,
            controller_port=lost.controller_port,
            heap_mb=512,
        )
        await asyncio.to_thread(self.broker.start)
