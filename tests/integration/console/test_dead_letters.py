"""The console's dead letters on the real broker: listed with the consumer's dlq.* headers,
replayed by id to their source topic with their key, value and own headers, by an operator's
key (a reader's is refused) whose name the replay carries."""

from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from orderflow_console.app import create_app
from orderflow_console.config import ConsoleSettings
from orderflow_embedded import create_topics
from orderflow_runtime.access import Role, add_operator
from orderflow_testing.system import TestSystem

pytestmark = pytest.mark.integration


async def _dead_letter(bootstrap: str, dlq: str, source: str) -> int:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        sent = await producer.send_and_wait(
            dlq,
            b'{"type": "OrderAccepted", "payl',
            key=b"order-7",
            partition=1,
            headers=[
                ("type", b"OrderAccepted"),
                ("dlq.error", b"not an envelope: truncated JSON"),
                ("dlq.source.topic", source.encode()),
                ("dlq.source.partition", b"1"),
                ("dlq.source.offset", b"42"),
                ("dlq.consumer.group", b"routing"),
                ("dlq.failed_at", b"2026-12-05T12:00:00+00:00"),
            ],
        )
    finally:
        await producer.stop()
    return int(sent.offset)


async def test_a_dead_letter_is_listed_and_replayed_to_its_source(
    system: TestSystem, tmp_path: Path
) -> None:
    bootstrap = system.infrastructure.bootstrap_servers
    source, dlq = f"{system.prefix}orders", f"{system.prefix}orders.dlq"
    await create_topics(bootstrap, [source, dlq], 2, lambda _: {})
    offset = await _dead_letter(bootstrap, dlq, source)
    keys_file = tmp_path / "keys.json"
    operator = add_operator(keys_file, "mei@ops", Role.OPERATE)
    reader = add_operator(keys_file, "lee@ops", Role.READ)
    app = create_app(ConsoleSettings(bootstrap_servers=bootstrap, api_keys_file=keys_file))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://console",
        timeout=30,
        headers={"X-API-Key": operator},
    ) as console:
        nobody = await console.get("/api/dead-letters", headers={"X-API-Key": ""})
        listed = (
            await console.get(
                "/api/dead-letters", params={"limit": 5000}, headers={"X-API-Key": reader}
            )
        ).json()
        letter_id = f"{dlq}:1:{offset}"
        ours = [letter for letter in listed if letter["id"] == letter_id]
        assert len(ours) == 1, listed
        assert ours[0]["error"] == "not an envelope: truncated JSON"
        assert (ours[0]["source_topic"], ours[0]["source_offset"]) == (source, "42")
        assert ours[0]["key"] == "order-7" and ours[0]["value"].startswith('{"type"')

        refused = await console.post(
            f"/api/dead-letters/{letter_id}/replay", headers={"X-API-Key": reader}
        )
        assert refused.status_code == 403 and "needs operate" in refused.text, refused.text
        replayed = await console.post(f"/api/dead-letters/{letter_id}/replay")
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["replayed_by"] == "mei@ops"
        assert replayed.json()["topic"] == source
        missing = await console.post(f"/api/dead-letters/{dlq}:1:{offset + 99}/replay")
        malformed = await console.post("/api/dead-letters/orders:1:0/replay")
    assert nobody.status_code == 401
    assert missing.status_code == 404
    assert malformed.status_code == 422

    record = await _one(bootstrap, source, replayed.json()["partition"], replayed.json()["offset"])
    headers = dict(record.headers)
    assert (record.key, record.value) == (b"order-7", b'{"type": "OrderAccepted", "payl')
    assert headers["type"] == b"OrderAccepted"
    assert headers["dlq.replayed_from"] == letter_id.encode()
    assert headers["dlq.replayed_by"] == b"mei@ops"
    replay_headers = ("dlq.replayed_from", "dlq.replayed_by")
    assert not any(name.startswith("dlq.") and name not in replay_headers for name in headers)


async def _one(bootstrap: str, topic: str, partition: int, offset: int) -> Any:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        tp = TopicPartition(topic, partition)
        consumer.assign([tp])
        consumer.seek(tp, offset)
        batch = await consumer.getmany(tp, timeout_ms=10_000, max_records=1)
    finally:
        await consumer.stop()
    return batch[tp][0]
