"""Apache Kafka, embedded: pinned jars, a Java to run them, a single-node KRaft broker."""

from orderflow_embedded.kafka.broker import EmbeddedBroker
from orderflow_embedded.kafka.jars import KAFKA_VERSION, KafkaNotInstalled
from orderflow_embedded.kafka.java import JavaNotFound
from orderflow_embedded.kafka.topics import create_topics, delete_topics

__all__ = [
    "KAFKA_VERSION",
    "EmbeddedBroker",
    "JavaNotFound",
    "KafkaNotInstalled",
    "create_topics",
    "delete_topics",
]
