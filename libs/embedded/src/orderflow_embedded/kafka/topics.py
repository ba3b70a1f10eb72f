"""Topic administration against any Kafka cluster: create with configs, wait for leaders,
delete a namespace."""

import asyncio
from collections.abc import Callable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

TOPIC_ALREADY_EXISTS = 36
LEADERS_TIMEOUT_S = 30


async def create_topics(
    bootstrap_servers: str,
    topics: list[str],
    partitions: int,
    config_of: Callable[[str], dict[str, str]] = lambda _: {},
) -> list[str]:
    """Create the topics that do not exist yet, each with `config_of(name)`, and return once
    every partition has a leader (so the first produce does not bounce); returns those created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, partitions, 1, topic_configs=config_of(name))
            for name in topics
            if name not in existing
        ]
        if not wanted:
            return []
        response = await admin.create_topics(wanted)
        failures = [
            (name, message)
            for name, code, message in response.topic_errors
            if code not in (0, TOPIC_ALREADY_EXISTS)
        ]
        if failures:
            raise RuntimeError(f"could not create topics: {failures}")
        created = [topic.name for topic in wanted]
        await _wait_for_leaders(admin, created)
        return created
    finally:
        await admin.close()


async def _wait_for_leaders(admin: AIOKafkaAdminClient, topics: list[str]) -> None:
    async with asyncio.timeout(LEADERS_TIMEOUT_S):
        while True:
            described = await admin.describe_topics(topics)
            if all(
                topic["error_code"] == 0
                and all(partition["leader"] >= 0 for partition in topic["partitions"])
                for topic in described
            ):
                return
            await asyncio.sleep(0.05)


async def delete_topics(bootstrap_servers: str, prefix: str) -> list[str]:
    """Delete every topic whose name starts with `prefix`; returns their names."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        doomed = [name for name in await admin.list_topics() if name.startswith(prefix)]
        if doomed:
            await admin.delete_topics(doomed)
        return doomed
    finally:
        await admin.close()
