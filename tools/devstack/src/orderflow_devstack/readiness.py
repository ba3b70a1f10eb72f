"""When the demo's orders may start: once routing's stock replica holds the opening stock.
Orders sent earlier would be planned against no stock and held as unroutable, though the
stock was on its way (seen on every `make run` before this wait)."""

import asyncio

from aiokafka import AIOKafkaConsumer
from orderflow_contracts import topics
from orderflow_runtime.kafka import group_positions


async def routing_sees_stock(
    bootstrap_servers: str, skus: int, timeout_s: float = 60.0, routing_group: str = "routing"
) -> bool:
    """True once inventory has published a level for each of `skus` SKUs and routing's group
    has consumed `inventory.levels` to its end; False after `timeout_s`."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers)
    await reader.start()
    try:
        async with asyncio.timeout(timeout_s):
            while True:
                if await _caught_up(reader, bootstrap_servers, skus, routing_group):
                    return True
                await asyncio.sleep(0.2)
    except TimeoutError:
        return False
    finally:
        await reader.stop()


async def _caught_up(
    reader: AIOKafkaConsumer, bootstrap_servers: str, skus: int, group: str
) -> bool:
    consumed = await group_positions(bootstrap_servers, topics.INVENTORY_LEVELS, group)
    end = await reader.end_offsets(list(consumed))
    return sum(end.values()) >= skus and all(
        (consumed[partition] or 0) >= end[partition] for partition in consumed
    )
