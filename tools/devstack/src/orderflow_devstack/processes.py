"""The five services as real child processes, each with its own log file; `instances` runs
that many processes of each service in the service's consumer group (intake, intake-2, ...)."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from orderflow_embedded import free_port
from orderflow_embedded.children import die_with_parent
from orderflow_runtime import ServiceSettings

from orderflow_devstack.stack import SERVICES, Endpoints


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

    def start(self, services: tuple[str, ...] = SERVICES) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for service in services:
            for instance in range(1, self.instances + 1):
                self._start_one(service, service if instance == 1 else f"{service}-{instance}")

    def _start_one(self, service: str, name: str) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")
        self.http_ports[name] = free_port()
        env = self._environment(service)
        env[f"{service.upper()}_HTTP_PORT"] = str(self.http_ports[name])
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", f"orderflow_{service}"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us; we stop them in order
            preexec_fn=die_with_parent,
        )

    def _environment(self, service: str) -> dict[str, str]:
        """What every process of the service is started with: ours over the caller's."""
        env = self.endpoints.service_env(service, self.seller_setup_file)
        env[f"{service.upper()}_LOG_FORMAT"] = self.log_format
        if self.fetch_max_wait_ms is not None:
            env[f"{service.upper()}_FETCH_MAX_WAIT_MS"] = str(self.fetch_max_wait_ms)
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

    def status(self) -> dict[str, str]:
        return {
            name: "running" if process.poll() is None else f"exited {process.returncode}"
            for name, process in self.processes.items()
        }

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
