"""The five services as real child processes, each with its own log file; `instances` runs
that many processes of each service in the service's consumer group (intake, intake-2, ...).
`supervise()` restarts a process that died, with backoff, as an init system would."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from orderflow_embedded import free_port
from orderflow_embedded.children import die_with_parent, stop_child
from orderflow_runtime import ServiceSettings

from orderflow_devstack.stack import SERVICES, Endpoints

STABLE_AFTER_S = 60
MAX_BACKOFF_S = 30


def _backoff_s(restarts: int) -> float:
    return float(min(2**restarts, MAX_BACKOFF_S))


@dataclass
class ServiceProcesses:
    endpoints: Endpoints
    seller_setup_file: Path
    log_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    http_ports: dict[str, int] = field(default_factory=dict)
    instances: int = 1
    log_format: str = "console"  # the bench runs them as in production: "json"
    fetch_max_wait_ms: int | None = None  # None: the services' own default
    log_level: str | None = None  # None: the services' own default
    api_keys_file: Path | None = None  # None: the APIs are open (X-Actor names the actor)
    restarts: Counter[str] = field(default_factory=Counter, init=False)
    _failures_in_a_row: Counter[str] = field(default_factory=Counter, init=False)
    _service_of: dict[str, str] = field(default_factory=dict, init=False)
    _started_at: dict[str, float] = field(default_factory=dict, init=False)
    _restart_at: dict[str, float] = field(default_factory=dict, init=False)

    def start(self, services: tuple[str, ...] = SERVICES) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for service in services:
            for instance in range(1, self.instances + 1):
                self._start_one(service, service if instance == 1 else f"{service}-{instance}")

    def scale(self, service: str, instances: int, timeout_s: float = 10) -> list[str]:
        """Run `instances` processes of `service` (service, service-2, ...): start the missing
        ones, or stop the highest-numbered ones with SIGTERM (their partitions move to the
        rest) and forget them, so that supervise() does not start them again. Returns the names
        started or stopped."""
        names = [service if n == 1 else f"{service}-{n}" for n in range(1, instances + 1)]
        running = [name for name, of in self._service_of.items() if of == service]
        changed = []
        for name in names:
            if name not in running:
                self._start_one(service, name)
                changed.append(name)
        for name in running:
            if name in names:
                continue
            process = self.processes.pop(name)
            del self._service_of[name]
            self._restart_at.pop(name, None)
            stop_child(process, timeout_s)
            changed.append(name)
        return changed

    def _start_one(self, service: str, name: str) -> None:
        if name not in self.http_ports:  # a restart keeps its address
            self.http_ports[name] = free_port()
        env = self._environment(service)
        env[f"{service.upper()}_HTTP_PORT"] = str(self.http_ports[name])
        with open(self.log_dir / f"{name}.log", "ab") as log:
            self.processes[name] = self._spawn(service, env, log.fileno())
        self._service_of[name] = service
        self._started_at[name] = time.monotonic()

    def _spawn(self, service: str, env: dict[str, str], log: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", f"orderflow_{service}"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us; we stop them in order
            preexec_fn=die_with_parent,
        )

    def supervise(self, now: float | None = None) -> list[str]:
        """Restart every process that has died, each after a backoff that doubles with every
        restart (1 s, 2 s, 4 s ... at most 30 s) and starts again at 1 s once a process has
        run for a minute. Returns the names restarted now."""
        now = time.monotonic() if now is None else now
        restarted = []
        for name, process in self.processes.items():
            if process.poll() is None:
                if now - self._started_at[name] >= STABLE_AFTER_S:
                    self._failures_in_a_row[name] = 0
                continue
            backoff = _backoff_s(self._failures_in_a_row[name])
            if now >= self._restart_at.setdefault(name, now + backoff):
                del self._restart_at[name]
                self.restarts[name] += 1
                self._failures_in_a_row[name] += 1
                restarted.append(name)
        for name in restarted:
            self._start_one(self._service_of[name], name)
        return restarted

    def _environment(self, service: str) -> dict[str, str]:
        """What every process of the service is started with: ours over the caller's."""
        env = self.endpoints.service_env(service, self.seller_setup_file)
        env[f"{service.upper()}_LOG_FORMAT"] = self.log_format
        if self.fetch_max_wait_ms is not None:
            env[f"{service.upper()}_FETCH_MAX_WAIT_MS"] = str(self.fetch_max_wait_ms)
        if self.log_level is not None:
            env[f"{service.upper()}_LOG_LEVEL"] = self.log_level
        if self.api_keys_file is not None:
            env[f"{service.upper()}_API_KEYS_FILE"] = str(self.api_keys_file.resolve())
        return {**os.environ, **env}

    def fetch_max_wait_ms_of(self, service: str) -> int:
        """The wait the service's processes run with: set in their environment, or the default."""
        if configured := self._environment(service).get(f"{service.upper()}_FETCH_MAX_WAIT_MS"):
            return int(configured)
        default: int = ServiceSettings.model_fields["fetch_max_wait_ms"].default
        return default

    def health(self, service: str) -> dict[str, object]:
        url = f"http://127.0.0.1:{self.http_ports[service]}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return dict(json.load(response))
        except OSError:
            return {}

    async def wait_until_ready(self, timeout_s: float = 90) -> list[str]:
        """Wait until every service has joined its consumer group; returns those that did not."""
        waiting = list(self.processes)
        deadline = asyncio.get_running_loop().time() + timeout_s
        while waiting and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.5)
            reports = await asyncio.gather(
                *(asyncio.to_thread(self.health, name) for name in waiting)
            )
            waiting = [
                name
                for name, report in zip(waiting, reports, strict=True)
                if not report.get("assigned_partitions")
            ]
            if any(self.processes[name].poll() is not None for name in waiting):
                break
        return waiting

    def status(self, now: float | None = None) -> dict[str, str]:
        now = time.monotonic() if now is None else now
        return {name: self._state(name, now) for name in self.processes}

    def _state(self, name: str, now: float) -> str:
        process, restarts = self.processes[name], self.restarts[name]
        if process.poll() is None:
            return f"running (restarted {restarts}x)" if restarts else "running"
        due = self._restart_at.get(name)
        restart = f", restart in {max(due - now, 0):.0f} s" if due is not None else ""
        return f"exited {process.returncode}{restart}"

    def stop(self, timeout_s: float = 10) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
