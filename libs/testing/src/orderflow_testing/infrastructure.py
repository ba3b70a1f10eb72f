"""Where the tests' broker and PostgreSQL come from, in order of preference:
1. external servers named by ORDERFLOW_TEST_KAFKA and ORDERFLOW_TEST_POSTGRES_URL;
2. testcontainers (Apache Kafka and PostgreSQL images) when ORDERFLOW_TEST_DOCKER=1;
3. the embedded broker and PostgreSQL, started as child processes (the default, and CI's path)."""

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from orderflow_embedded import EmbeddedBroker, EmbeddedPostgres


@dataclass(frozen=True)
class Infrastructure:
    bootstrap_servers: str
    postgres_url: str
    kind: str


@contextmanager
def test_infrastructure() -> Iterator[Infrastructure]:
    kafka, postgres = (
        os.environ.get("ORDERFLOW_TEST_KAFKA"),
        os.environ.get("ORDERFLOW_TEST_POSTGRES_URL"),
    )
    if kafka and postgres:
        yield Infrastructure(kafka, postgres, "external")
    elif os.environ.get("ORDERFLOW_TEST_DOCKER") == "1":
        with _containers() as infrastructure:
            yield infrastructure
    else:
        with EmbeddedBroker() as broker, EmbeddedPostgres() as server:
            yield Infrastructure(broker.bootstrap_servers, server.url(), "embedded")


@contextmanager
def _containers() -> Iterator[Infrastructure]:
    try:
        from testcontainers.kafka import KafkaContainer  # type: ignore[import-not-found]
        from testcontainers.postgres import PostgresContainer  # type: ignore[import-not-found]
    except ImportError as error:
        raise RuntimeError(
            "ORDERFLOW_TEST_DOCKER=1 needs `uv pip install testcontainers[kafka,postgres]`"
        ) from error
    with ExitStack() as stack:
        kafka = stack.enter_context(KafkaContainer("apache/kafka:4.1.1").with_kraft())
        postgres = stack.enter_context(PostgresContainer("postgres:17", driver=None))
        yield Infrastructure(
            kafka.get_bootstrap_server(), postgres.get_connection_url(), "testcontainers"
        )
