"""`python -m orderflow_embedded.kafka [--home DIR]`: fetch Apache Kafka's pinned jars."""

import argparse
from pathlib import Path

from orderflow_embedded.kafka.jars import KAFKA_VERSION, fetch, kafka_home, locked_jars


def main() -> None:
    parser = argparse.ArgumentParser(description=f"Fetch Apache Kafka {KAFKA_VERSION}'s jars")
    parser.add_argument("--home", type=Path, default=None, help="default: .tools/kafka-<version>")
    home = parser.parse_args().home or kafka_home()
    downloaded = fetch(home)
    total = len(locked_jars())
    print(f"Apache Kafka {KAFKA_VERSION}: {total} jars in {home} ({downloaded} downloaded)")


main()
