"""The five services as real child processes, each with its own log file."""

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from orderflow_devstack.stack import SERVICES, Endpoints


@dataclass
class ServiceProcesses:
    endpoints: Endpoints
    seller_setup_file: Path
    log_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, services: tuple[str, ...] = SERVICES) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for service in services:
            log = open(self.log_dir / f"{service}.log", "ab")  # noqa: SIM115
            self.processes[service] = subprocess.Popen(
                [sys.executable, "-m", f"orderflow_{service}"],
                env={**os.environ, **self.endpoints.service_env(service, self.seller_setup_file)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us; we stop them in order
            )

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
