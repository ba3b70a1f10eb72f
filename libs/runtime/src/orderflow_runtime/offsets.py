"""Committing consumed offsets in the background, at most every so often. A commit is a broker
request: one per batch cost a request per message at low rates, when batches hold one message,
and waiting for it held up the next batch. Offsets are committed only after their batch's
transaction committed; the few a crash leaves uncommitted are delivered again, and the inbox
turns them into no-ops."""

import asyncio
import contextlib

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError

log = structlog.get_logger()


class OffsetCommits:
    def __init__(self, consumer: AIOKafkaConsumer, interval_s: float) -> None:
        self._consumer = consumer
        self._interval_s = interval_s
        self._handled: dict[TopicPartition, int] = {}
        self._committing: asyncio.Task[None] | None = None
        self._started_at = 0.0

    def handled(self, batch: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]) -> None:
        for partition, records in batch.items():
            self._handled[partition] = records[-1].offset + 1

    async def commit_due(self, *, now: bool = False) -> None:
        """Start a commit of what was handled, unless one is under way or the last started
        less than the interval ago (`now` skips the interval: the consumer is idle)."""
        if self._committing is not None:
            if not self._committing.done():
                return
            await self._committing  # its failure, if any, is raised here
            self._committing = None
        if self._handled and (now or self._loop_time() - self._started_at >= self._interval_s):
            self._start()

    async def close(self, timeout_s: float = 2) -> None:
        """On stop: the commit under way, then what is left, each given a moment."""
        for _ in range(2):
            if self._committing is not None:
                done, _ = await asyncio.wait([self._committing], timeout=timeout_s)
                if not done:
                    return
                with contextlib.suppress(Exception):  # logged by _commit or not worth it now
                    self._committing.result()
                self._committing = None
            if not self._handled:
                return
            self._start()

    def _start(self) -> None:
        assigned = self._consumer.assignment()  # a revoked partition's new owner commits it
        offsets = {tp: offset for tp, offset in self._handled.items() if tp in assigned}
        self._handled, self._started_at = {}, self._loop_time()
        if offsets:
            self._committing = asyncio.create_task(self._commit(offsets))

    @staticmethod
    def _loop_time() -> float:
        return asyncio.get_running_loop().time()

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as error:
            # A rebalance moved the partitions; their new owner reprocesses and the inbox
            # turns that into no-ops.
            log.warning("consumer.commit_failed", error=repr(error))
