"""Apache Kafka in single-node KRaft mode (broker and controller in one JVM), as a child
process: its data in a folder that survives a restart, sized for a 2-core machine."""

import base64
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Self

from orderflow_embedded.children import die_with_parent, free_port, stop_child
from orderflow_embedded.kafka.jars import classpath
from orderflow_embedded.kafka.java import find_java

STARTED_LINE = b"Kafka Server started"
START_TIMEOUT_S = 90

# Threads and buffers for two cores; groups form at once (no initial rebalance delay) and may
# use short session timeouts (tests kill consumers); a typo in a topic name fails instead of creating a topic.
_BROKER_SETTINGS = {
    "process.roles": "broker,controller",
    "node.id": "1",
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "auto.create.topics.enable": "false",
    "offsets.topic.replication.factor": "1",
    "offsets.topic.num.partitions": "1",
    "transaction.state.log.replication.factor": "1",
    "transaction.state.log.min.isr": "1",
    "transaction.state.log.num.partitions": "1",
    "share.coordinator.state.topic.replication.factor": "1",
    "share.coordinator.state.topic.min.isr": "1",
    "group.initial.rebalance.delay.ms": "0",
    "group.min.session.timeout.ms": "1000",
    # A restarted broker registers again only once its old session has lapsed (9 s by default).
    "broker.session.timeout.ms": "2000",
    "broker.heartbeat.interval.ms": "500",
    "num.network.threads": "2",
    "num.io.threads": "2",
    "background.threads": "2",
    "num.recovery.threads.per.data.dir": "1",
    "log.cleaner.threads": "1",
    "log.cleaner.dedupe.buffer.size": str(16 * 1024 * 1024),
    "log.index.size.max.bytes": str(1024 * 1024),
}

_LOGGING = """\
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = out
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
"""


def cluster_id() -> str:
    """A random cluster id as Kafka spells one (URL-safe base64 of 16 bytes), never starting
    with "-": the storage tool would read that as an option."""
    while True:
        candidate = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not candidate.startswith("-"):
            return candidate


class EmbeddedBroker:
    """`data_dir` keeps topics, records and committed offsets across a stop or a kill: start
    the same broker (or one on the same folder and ports) again and they are all there.
    Without one, a temporary folder is used and removed on stop."""

    def __init__(
        self,
        data_dir: Path | None = None,
        port: int = 0,
        controller_port: int = 0,
        log_path: Path | None = None,
        heap_mb: int = 768,
    ) -> None:
        self._owns_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="orderflow-kafka-"))
        self.port = port or free_port()
        self.controller_port = controller_port or free_port()
        self.log_path = log_path or self.data_dir / "broker.log"
        self._heap_mb = heap_mb
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def start(self) -> Self:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        properties = self._write_config()
        java, jars = find_java(), classpath()
        if not (self.data_dir / "logs" / "meta.properties").exists():
            subprocess.run(
                [java, "-cp", jars, "kafka.tools.StorageTool", "format",
                 "-t", cluster_id(), "-c", str(properties)],
                check=True, capture_output=True,
            )  # fmt: skip
        started_at = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(
                [java, *self._jvm_options(), "-cp", jars, "kafka.Kafka", str(properties)],
                stdout=log,
                stderr=log,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )
        self._wait_until_started(started_at)
        return self

    def _write_config(self) -> Path:
        settings = {
            **_BROKER_SETTINGS,
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},"
            f"CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "controller.quorum.voters": f"1@127.0.0.1:{self.controller_port}",
            "log.dirs": str(self.data_dir / "logs"),
        }
        properties = self.data_dir / "server.properties"
        properties.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
        (self.data_dir / "log4j2.properties").write_text(_LOGGING)
        return properties

    def _jvm_options(self) -> list[str]:
        # The serial collector, not G1: on two cores shared with a dozen processes, G1's
        # barriers and concurrent threads cost more than the short pauses of a small heap.
        # Hops at 5 orders/s, three pairs: the broker 24.3, 22.7, 22.0 CPU ms an order against
        # 30.1, 24.9, 37.9 with G1; the pipeline case within noise (521, 471 against 485, 445
        # orders/s).
        return [
            f"-Xms{min(256, self._heap_mb)}m",
            f"-Xmx{self._heap_mb}m",
            "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.data_dir / 'log4j2.properties'}",
        ]

    def _wait_until_started(self, log_offset: int) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        assert self._process is not None
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as log:
                log.seek(log_offset)
                if STARTED_LINE in log.read():
                    return
            if self._process.poll() is not None:
                raise RuntimeError(f"Kafka exited during start; see {self.log_path}")
            time.sleep(0.05)
        raise TimeoutError(f"Kafka not started after {START_TIMEOUT_S}s; see {self.log_path}")

    def stop(self) -> None:
        """A controlled shutdown (SIGTERM), forced after 20 s."""
        stop_child(self._process, timeout_s=20)
        if self._owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def kill(self) -> None:
        """SIGKILL, as a crash would: the data folder stays for a restart."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()
