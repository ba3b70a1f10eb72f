"""The operators' web console (tools/console) as a child process of `orderflow run`, told
where every service's API and the broker are."""

import os
import subprocess
import sys
from pathlib import Path

from orderflow_embedded import free_port
from orderflow_embedded.children import die_with_parent, stop_child, wait_for_port

from orderflow_devstack.stack import SERVICES


class ConsoleProcess:
    def __init__(
        self,
        bootstrap_servers: str,
        http_ports: dict[str, int],
        log_dir: Path,
        api_keys_file: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            **({"CONSOLE_API_KEYS_FILE": str(api_keys_file.resolve())} if api_keys_file else {}),
            "CONSOLE_HTTP_PORT": str(self.port),
            "CONSOLE_KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
            **{
                f"CONSOLE_{service.upper()}_URL": f"http://127.0.0.1:{http_ports[service]}"
                for service in SERVICES
            },
        }
        self.log_path = log_dir / "console.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self, timeout_s: float = 30) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "orderflow_console"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        process = self.process
        wait_for_port(self.port, timeout_s, lambda: process.poll() is None)

    def stop(self) -> None:
        if self.process is not None:
            stop_child(self.process, 10)
