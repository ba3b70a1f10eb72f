"""Watching topics from outside: a consumer in its own group that hands every envelope, decoded
as plain JSON (cheaper than validating it), with its record timestamp, to a callback."""

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer

OnRecord = Callable[[str, dict[str, Any], float], None]


class TopicWatch:
    def __init__(
        self,
        bootstrap_servers: str,
        on_record: OnRecord,
        *,
        topics: list[str] | None = None,
        pattern: str = "",
        fetch_max_wait_ms: int = 20,
    ) -> None:
        self._on_record = on_record
        self._topics = topics or []
        self._pattern = pattern
        self.latest_s = 0.0  # the newest record timestamp seen
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers, group_id=f"bench-watch-{uuid.uuid4().hex[:8]}",
            auto_offset_reset="earliest", enable_auto_commit=False,
            fetch_max_wait_ms=fetch_max_wait_ms, session_timeout_ms=3000,
            heartbeat_interval_ms=500, max_poll_records=2000,
        )  # fmt: skip
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._pattern:
            self._consumer.subscribe(pattern=f"^{self._pattern}$")
        else:
            self._consumer.subscribe(self._topics)
        await self._consumer.start()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    async def _run(self) -> None:
        while True:
            batch = await self._consumer.getmany(timeout_ms=500)
            for partition, records in batch.items():
                for record in records:
                    timestamp_s = record.timestamp / 1000
                    self.latest_s = max(self.latest_s, timestamp_s)
                    try:
                        body = json.loads(record.value or b"")
                    except ValueError:
                        continue
                    if isinstance(body, dict):
                        self._on_record(partition.topic, body, timestamp_s)

    async def caught_up(self, wall_s: float, timeout_s: float = 10.0) -> bool:
        """Wait until a record stamped at or after `wall_s` was seen (or time runs out)."""
        return await wait_for(lambda: self.latest_s >= wall_s, timeout_s)


async def wait_for(
    condition: Callable[[], bool], timeout_s: float, interval_s: float = 0.1
) -> bool:
    """Poll `condition` until it holds; False if `timeout_s` passes first."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(interval_s)
    return True


async def wait_while_progressing(
    count: Callable[[], int], target: int, stall_s: float, limit_s: float
) -> bool:
    """Wait until `count()` reaches `target`, as long as it grew in the last `stall_s` (a slow
    system may drain a backlog for a while) and at most `limit_s`."""
    started = last_change = time.monotonic()
    seen = count()
    while seen < target:
        now = time.monotonic()
        if now - last_change > stall_s or now - started > limit_s:
            return False
        await asyncio.sleep(0.2)
        if (current := count()) != seen:
            seen, last_change = current, time.monotonic()
    return True
