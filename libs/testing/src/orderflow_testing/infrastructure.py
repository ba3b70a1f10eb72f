"""Where the tests' broker and PostgreSQL come from, in order of preference:
1. external servers named by ORDERFLOW_TEST_KAFKA and ORDERFLOW_TEST_POSTGRES_URL (each on
   its own: an external PostgreSQL beside the embedded broker works);
2. testcontainers (Apache Kafka and PostgreSQL images) when ORDERFLOW_TEST_DOCKER=1;
3. the embedded broker and PostgreSQL, started as child processes (the default, and CI's path)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from orderflow_embedded import EmbeddedBroker, EmbeddedPostgres


@dataclass(frozen=True)
class Infrastructure:
    bootstrap_servers: str
    postgres_url: str
    kind: str


@contextmanager
def test_postgres() -> Iterator[str]:
    """Only PostgreSQL, for tests that need no broker (the use-case tests)."""
    external = os.environ.get("ORDERFLOW_TEST_POSTGRES_URL")
    if external:
        yield external
    elif os.environ.get("ORDERFLOW_TEST_DOCKER") == "1":
        with _container("postgres") as url:
            yield url
    else:
        with EmbeddedPostgres() as server:
            yield server.url()


@contextmanager
def test_infrastructure(postgres_url: str) -> Iterator[Infrastructure]:
    """The broker beside an already started PostgreSQL."""
    external = os.environ.get("ORDERFLOW_TEST_KAFKA")
    if external:
        yield Infrastructure(external, postgres_url, "external")
    elif os.environ.get("ORDERFLOW_TEST_DOCKER") == "1":
        with _container("kafka") as bootstrap_servers:
            yield Infrastructure(bootstrap_servers, postgres_url, "testcontainers")
    else:
        with EmbeddedBroker() as broker:
            yield Infrastructure(broker.bootstrap_servers, postgres_url, "embedded")


@contextmanager
def _container(kind: str) -> Iterator[str]:
    try:
        from testcontainers.kafka import KafkaContainer  # type: ignore[import-not-found]
        from testcontainers.postgres import PostgresContainer  # type: ignore[import-not-found]
    except ImportError as error:
        raise RuntimeError(
            "ORDERFLOW_TEST_DOCKER=1 needs `uv pip install testcontainers[kafka,postgres]`"
        ) from error
    if kind == "kafka":
        with KafkaContainer("apache/kafka:4.1.1").with_kraft() as kafka:
            yield kafka.get_bootstrap_server()
    else:
        with PostgresContainer("postgres:17", driver=None) as postgres:
            yield postgres.get_connection_url()
