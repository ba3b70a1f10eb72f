"""The devstack's ServiceProcesses, pointed at one test's namespace: its topic prefix, its
databases, the test harness's fast group and relay timings, JSON logs to count redeliveries.
Services run as real OS processes, so they can be killed; supervise() restarts them."""

import asyncio
import contextlib
import os
import signal
from dataclasses import dataclass, field

from orderflow_devstack.processes import ServiceProcesses
from orderflow_testing.system import FAST_GROUP_JOIN

FAST = {
    **{name.upper(): str(value) for name, value in FAST_GROUP_JOIN.items()},
    "RELAY_POLL_INTERVAL_S": "0.2",
    "RETRY_BACKOFF_S": "0.05",
}


@dataclass
class NamespacedProcesses(ServiceProcesses):
    topic_prefix: str = ""
    database_urls: dict[str, str] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)  # a test's own, over FAST

    def _environment(self, service: str) -> dict[str, str]:
        env = super()._environment(service)
        prefix = service.upper()
        settings = {**FAST, **self.settings, "TOPIC_PREFIX": self.topic_prefix}
        env.update({f"{prefix}_{name}": str(value) for name, value in settings.items()})
        env[f"{prefix}_DATABASE_URL"] = self.database_urls[service]
        env["NOTIFICATIONS_ROUND_LEASE_S"] = "10"  # what a killed round never began: due soon
        return env

    def signal(self, name: str, signum: signal.Signals) -> int:
        """Signal the running process; returns its pid."""
        process = self.processes[name]
        os.kill(process.pid, signum)
        return process.pid

    async def supervise_forever(self, interval_s: float = 0.1) -> None:
        while True:
            self.supervise()
            await asyncio.sleep(interval_s)

    async def running_again(self, name: str, old_pid: int, timeout_s: float) -> float:
        """Seconds until a new process of `name` holds partitions again (or fail)."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        while loop.time() - started < timeout_s:
            process = self.processes[name]
            if process.pid != old_pid and process.poll() is None:
                report = await asyncio.to_thread(self.health, name)
                if report.get("assigned_partitions"):
                    return loop.time() - started
            await asyncio.sleep(0.1)
        raise AssertionError(f"{name} was not running again within {timeout_s}s")

    def stop_all(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
