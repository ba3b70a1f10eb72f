"""The embedded infrastructure as one unit: broker, PostgreSQL with one database per service,
an SMTP server standing in for the customer's inbox, the seller's messaging endpoint for buyers
whose e-mail the marketplace hides, and every topic."""

import secrets
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
from orderflow_simulators.messaging import MessagingEndpoint

SERVICES = ("intake", "routing", "inventory", "fulfillment", "notifications")
DEMO_SELLER_SETUP = Path(orderflow_simulators.__file__).parent / "seller.json"


@dataclass(frozen=True)
class Endpoints:
    bootstrap_servers: str
    postgres_url: str
    smtp_port: int
    webhook_url: str = ""
    webhook_secret: str = ""

    def database_url(self, service: str) -> str:
        return database_url(self.postgres_url, service)

    def service_env(self, service: str, seller_setup_file: Path) -> dict[str, str]:
        prefix = service.upper()
        env = {
            f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            f"{prefix}_DATABASE_URL": self.database_url(service),
        }
        if service in ("intake", "routing", "inventory", "fulfillment"):
            env[f"{prefix}_SELLER_SETUP_FILE"] = str(seller_setup_file)
        if service == "notifications":
            env[f"{prefix}_SMTP_PORT"] = str(self.smtp_port)
            # The simulated partners live days in seconds: a minute's window would make one
            # message of every order's whole journey.
            env[f"{prefix}_MERGE_WINDOW_S"] = "1"
            if self.webhook_url:
                env[f"{prefix}_WEBHOOK_URL"] = self.webhook_url
                env[f"{prefix}_WEBHOOK_SECRET"] = self.webhook_secret
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
        self.messaging = MessagingEndpoint(secrets.token_hex(16))
        self._exit = ExitStack()

    async def start(self) -> Endpoints:
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
        self._exit.enter_context(self.broker)
        self._exit.enter_context(self.postgres)
        self.smtp.start()
        self._exit.callback(self.smtp.stop)
        self.messaging.start()
        self._exit.callback(self.messaging.stop)
        endpoints = Endpoints(
            self.broker.bootstrap_servers,
            self.postgres.url(),
            self.smtp.port,
            self.messaging.url,
            self.messaging.secret,
        )
        await create_databases(endpoints.postgres_url, list(SERVICES))
        locations = [location.location_id for location in self.setup.locations]
        await create_topics(
            endpoints.bootstrap_servers, all_topics(locations), self.partitions, topic_config
        )
        return endpoints

    def stop(self) -> None:
        self._exit.close()
