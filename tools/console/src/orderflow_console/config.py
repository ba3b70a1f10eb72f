"""Where the console listens and where the five services and the broker are: from the
environment (CONSOLE_INTAKE_URL, ..., CONSOLE_KAFKA_BOOTSTRAP_SERVERS, CONSOLE_HTTP_PORT,
CONSOLE_HOST), and the operators' keys file the services also read (CONSOLE_API_KEYS_FILE)."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

SERVICES = ("intake", "routing", "inventory", "fulfillment", "notifications")
# Every variable the console reads (deploy/check.py holds docker-compose.yml and deploy/k8s to it).
VARIABLES = (
    *(f"CONSOLE_{service.upper()}_URL" for service in SERVICES),
    "CONSOLE_KAFKA_BOOTSTRAP_SERVERS",
    "CONSOLE_HTTP_PORT",
    "CONSOLE_HOST",
    "CONSOLE_ACTOR",
    "CONSOLE_API_KEYS_FILE",
)


@dataclass(frozen=True)
class ConsoleSettings:
    upstreams: dict[str, str] = field(default_factory=dict)  # service -> base URL
    bootstrap_servers: str = ""  # empty: no dead letters to show
    http_port: int = 8090
    actor: str = "console"  # X-Actor of the actions when the API is open (no keys file)
    api_keys_file: Path | None = None  # None: open, as the services are without one
    host: str = "127.0.0.1"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "ConsoleSettings":
        upstreams = {
            service: env[f"CONSOLE_{service.upper()}_URL"].rstrip("/")
            for service in SERVICES
            if env.get(f"CONSOLE_{service.upper()}_URL")
        }
        return cls(
            upstreams=upstreams,
            bootstrap_servers=env.get("CONSOLE_KAFKA_BOOTSTRAP_SERVERS", ""),
            http_port=int(env.get("CONSOLE_HTTP_PORT", "8090")),
            actor=env.get("CONSOLE_ACTOR", "console"),
            api_keys_file=Path(env["CONSOLE_API_KEYS_FILE"])
            if env.get("CONSOLE_API_KEYS_FILE")
            else None,
            host=env.get("CONSOLE_HOST", "127.0.0.1"),
        )
