"""`orderflow run` restarts a service process that died, with a backoff, and says so."""

import signal
import subprocess
import sys
import time

import pytest
from orderflow_devstack.processes import ServiceProcesses
from orderflow_devstack.stack import Endpoints


class SleepingServices(ServiceProcesses):
    """Real child processes that only sleep, in place of the services."""

    def _spawn(self, service: str, env: dict[str, str], log: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


@pytest.fixture
def services(tmp_path):
    endpoints = Endpoints("127.0.0.1:9092", "postgresql://127.0.0.1/x", 25)
    running = SleepingServices(endpoints, tmp_path / "setup.json", tmp_path / "logs")
    running.start(("inventory", "routing"))
    yield running
    running.stop(timeout_s=1)


def kill(services: ServiceProcesses, name: str) -> int:
    process = services.processes[name]
    process.send_signal(signal.SIGKILL)
    process.wait()
    return process.pid


def test_a_killed_service_is_restarted_after_a_second_on_the_same_port(services):
    port, pid = services.http_ports["inventory"], kill(services, "inventory")
    now = time.monotonic()
    assert services.supervise(now) == []
    assert services.status(now)["inventory"] == "exited -9, restart in 1 s"
    assert services.supervise(now + 1.0) == ["inventory"]
    assert services.processes["inventory"].pid != pid
    assert services.http_ports["inventory"] == port
    assert services.status() == {"inventory": "running (restarted 1x)", "routing": "running"}


def test_each_restart_in_a_row_waits_twice_as_long(services):
    now = time.monotonic()
    waits = []
    for _ in range(3):
        kill(services, "routing")
        services.supervise(now)
        waits.append(services._restart_at["routing"] - now)
        now += waits[-1]
        assert services.supervise(now) == ["routing"]
    assert waits == [1.0, 2.0, 4.0]
    assert services.restarts["routing"] == 3


def test_a_service_that_ran_for_a_minute_is_restarted_after_a_second_again(services):
    now = time.monotonic()
    for _ in range(2):
        kill(services, "routing")
        services.supervise(now)
        now += 8
        services.supervise(now)
    services.supervise(now + 61)  # stable: its failures in a row are forgotten
    kill(services, "routing")
    services.supervise(now + 61)
    assert services._restart_at["routing"] == pytest.approx(now + 62)
    assert services.restarts["routing"] == 2


def test_a_service_scaled_out_and_back_runs_that_many_processes_and_no_more(services):
    assert services.scale("inventory", 3) == ["inventory-2", "inventory-3"]
    assert [n for n in services.processes if n.startswith("inventory")] == [
        "inventory",
        "inventory-2",
        "inventory-3",
    ]
    third = services.processes["inventory-3"]
    assert services.scale("inventory", 1) == ["inventory-2", "inventory-3"]
    assert third.poll() is not None
    assert [n for n in services.processes if n.startswith("inventory")] == ["inventory"]
    assert services.supervise(time.monotonic() + 60) == []  # the stopped ones stay stopped
    assert services.scale("inventory", 1) == []
