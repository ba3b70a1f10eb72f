"""Apache Kafka's jars: pinned with their sha256 in `jars.lock`, fetched once from Maven Central
by `make setup` (`python -m orderflow_embedded.kafka`) and kept under
`.tools/kafka-<version>/`. Nothing is downloaded when a broker starts."""

import hashlib
import os
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

MAVEN_CENTRAL = "https://repo1.maven.org/maven2"
HOME_VARIABLE = "ORDERFLOW_KAFKA_HOME"  # where the jars are, if not .tools/kafka-<version>
REPOSITORY_VARIABLE = "ORDERFLOW_MAVEN_REPOSITORY"  # a mirror of Maven Central


class KafkaNotInstalled(RuntimeError):
    """The broker's jars are not where they should be."""


@dataclass(frozen=True)
class Jar:
    group: str
    artifact: str
    version: str
    sha256: str

    @property
    def file_name(self) -> str:
        return f"{self.artifact}-{self.version}.jar"

    def url(self, repository: str) -> str:
        group_path = self.group.replace(".", "/")
        return f"{repository}/{group_path}/{self.artifact}/{self.version}/{self.file_name}"


def locked_jars() -> list[Jar]:
    text = files(__package__).joinpath("jars.lock").read_text()
    jars = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            coordinates, sha256 = line.split()
            group, artifact, version = coordinates.split(":")
            jars.append(Jar(group, artifact, version, sha256))
    return jars


KAFKA_VERSION = next(jar.version for jar in locked_jars() if jar.artifact == "kafka_2.13")


def kafka_home() -> Path:
    """`$ORDERFLOW_KAFKA_HOME`, else `.tools/kafka-<version>` in the nearest folder above the
    working directory (or above this package) that has a `.tools` folder."""
    if configured := os.environ.get(HOME_VARIABLE):
        return Path(configured)
    here = Path(__file__).resolve()
    for folder in (Path.cwd(), *Path.cwd().parents, *here.parents):
        if (folder / ".tools").is_dir():
            return folder / ".tools" / f"kafka-{KAFKA_VERSION}"
    return Path.cwd() / ".tools" / f"kafka-{KAFKA_VERSION}"


def classpath(home: Path | None = None) -> str:
    home = home or kafka_home()
    missing = [jar.file_name for jar in locked_jars() if not (home / jar.file_name).is_file()]
    if missing:
        raise KafkaNotInstalled(
            f"Apache Kafka {KAFKA_VERSION} is not installed in {home} ({len(missing)} jars"
            f" missing, e.g. {missing[0]}): run `make setup`, or"
            " `.venv/bin/python -m orderflow_embedded.kafka`"
        )
    return os.pathsep.join(str(home / jar.file_name) for jar in locked_jars())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fetch(jar: Jar, home: Path, repository: str) -> bool:
    """Download one jar unless a verified copy is there; True if it was downloaded."""
    target = home / jar.file_name
    if target.is_file() and _sha256(target) == jar.sha256:
        return False
    with urllib.request.urlopen(jar.url(repository), timeout=60) as response:
        body = response.read()
    actual = hashlib.sha256(body).hexdigest()
    if actual != jar.sha256:
        raise RuntimeError(f"{jar.file_name}: sha256 {actual}, expected {jar.sha256}")
    partial = target.with_suffix(".part")
    partial.write_bytes(body)
    partial.replace(target)
    return True


def fetch(home: Path | None = None, repository: str | None = None) -> int:
    """Fetch every locked jar that is missing or damaged; returns how many were downloaded."""
    home = home or kafka_home()
    repository = repository or os.environ.get(REPOSITORY_VARIABLE, MAVEN_CENTRAL)
    home.mkdir(parents=True, exist_ok=True)
    jars = locked_jars()
    with ThreadPoolExecutor(max_workers=8) as pool:
        downloaded = sum(pool.map(lambda jar: _fetch(jar, home, repository), jars))
    return downloaded
