"""The embedded infrastructure as one unit: broker, PostgreSQL with one database per service,
an SMTP server standing in for the customer's inbox, and every topic."""

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import orderflow_simulators
from orderflow_contracts.setup import SellerSetup
from orderflow_contracts.topics import all_topics, topic_config
from orderflow_embedded import (
    EmbeddedBroker,
    EmbeddedPostgres,
    SmtpSink,
    create_databases,
    create_topics,
    database_url,
)

SERVICES = ("intake", "routing", "inventory", "fulfillment", "notifications")
DEMO_SELLER_SETUP = Path(orderflow_simulators.__file__).parent / "seller.json"


@dataclass(frozen=True)
class Endpoints:
    bootstrap_servers: str
    postgres_url: str
    smtp_port: int

    def database_url(self, service: str) -> str:
        return database_url(self.postgres_url, service)

    def service_env(self, service: str, seller_setup_file: Path) -> dict[str, str]:
        prefix = service.upper()
        env = {
            f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            f"{prefix}_DATABASE_URL": self.database_url(service),
        }
        if service in ("intake", "routing", "inventory"):
            env[f"{prefix}_SELLER_SETUP_FILE"] = str(seller_setup_file)
        if service == "notifications":
            env[f"{prefix}_SMTP_PORT"] = str(self.smtp_port)
        return env


class EmbeddedStack:
    def __init__(
        self, setup: SellerSetup, partitions: int = 6, log_dir: Path | None = None
    ) -> None:
        self.setup = setup
        self.partitions = partitions
        self.log_dir = log_dir
        self.broker = EmbeddedBroker(log_path=log_dir / "broker.log" if log_dir else None)
        self.postgres = EmbeddedPostgres()
        self.smtp = SmtpSink()
        self._exit = ExitStack()

    async def start(self) -> Endpoints:
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
        self._exit.enter_context(self.broker)
        self._exit.enter_context(self.postgres)
        self.smtp.start()
        self._exit.callback(self.smtp.stop)
        endpoints = Endpoints(self.broker.bootstrap_servers, self.postgres.url(), self.smtp.port)
        await create_databases(endpoints.postgres_url, list(SERVICES))
        locations = [location.location_id for location in self.setup.locations]
        await create_topics(
            endpoints.bootstrap_servers, all_topics(locations), self.partitions, topic_config
        )
        return endpoints

    def stop(self) -> None:
        self._exit.close()
