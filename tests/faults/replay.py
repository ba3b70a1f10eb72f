"""Every service stopped, its consumer groups' offsets moved back to the start of every
partition it had read, and started again: the whole history is delivered a second time."""

import asyncio

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from tests.faults.stack import FaultStack, service_groups


async def replay_every_topic(stack: FaultStack) -> None:
    processes = stack.processes
    assert processes is not None, "a replay needs the services as processes"
    await stack.pause_supervision()
    await asyncio.to_thread(processes.stop)
    for group in await service_groups(stack.system):
        await rewind(stack, group)
    processes.start()
    not_ready = await processes.wait_until_ready(timeout_s=120)
    assert not not_ready, f"not ready after the replay: {not_ready}"
    stack.resume_supervision()


async def rewind(stack: FaultStack, group: str) -> None:
    """Commit the earliest offset of every partition the (empty) group has committed to."""
    servers = stack.system.infrastructure.bootstrap_servers
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    assert committed, f"{group} had committed nothing"
    consumer = AIOKafkaConsumer(bootstrap_servers=servers, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(committed))
        await consumer.commit(await consumer.beginning_offsets(list(committed)))
    finally:
        await consumer.stop()
