"""aiokafka clients configured for orderflow's guarantees, and the topic namespace."""

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from orderflow_runtime.settings import ServiceSettings


@dataclass(frozen=True)
class TopicNames:
    """Maps logical topic names to physical ones: a prefix lets tests and tenants share a
    cluster without seeing each other's messages."""

    prefix: str = ""

    def physical(self, topic: str) -> str:
        return f"{self.prefix}{topic}"

    def logical(self, topic: str) -> str:
        return topic.removeprefix(self.prefix)


def create_producer(bootstrap_servers: str) -> AIOKafkaProducer:
    # Idempotence makes the broker drop a batch the producer retried after a lost ack, and
    # keeps each partition in send order through those retries. The outbox still re-sends
    # whatever a relay published without marking it sent (a crash between the two), as a new
    # send the broker cannot recognise: consumers' inboxes deduplicate those on event_id.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        max_batch_size=256 * 1024,
    )


def create_consumer(settings: ServiceSettings, group_id: str) -> AIOKafkaConsumer:
    # Offsets are committed by hand after the database transaction commits; a new group
    # starts from the earliest record, so nothing published before it joined is skipped.
    return AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=settings.fetch_max_wait_ms,
        max_poll_records=settings.max_batch,
        session_timeout_ms=settings.session_timeout_ms,
        heartbeat_interval_ms=settings.heartbeat_interval_ms,
    )


async def cluster_id(bootstrap_servers: str) -> str:
    """The id of the cluster behind these servers: a broker formatted anew has another."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        return str((await admin.describe_cluster())["cluster_id"])
    finally:
        await admin.close()
