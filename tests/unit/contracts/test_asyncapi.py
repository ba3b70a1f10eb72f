"""docs/asyncapi.yaml stays true: it is what `orderflow-asyncapi` generates now, every event
contract travels on some topic, every event a service consumes is one its topic carries, every event docs/journey.md says a service emits is
listed for that service on that topic, and every event named is a contract."""

import re
from pathlib import Path

import yaml
from orderflow_asyncapi import CHANNELS, DOCUMENT, PICK_TASKS, render, service_subscriptions
from orderflow_contracts import Event, event_model, topics

JOURNEY = Path(__file__).resolve().parents[3] / "docs" / "journey.md"
ROW = re.compile(r"^\| \d+ \| (\w+) \| [\w.]+: \w+ \| \w+ \| (.+) \|$")


def carried(topic: str) -> set[str]:
    return {
        name
        for channel in CHANNELS
        if channel.topic == topic
        for names in channel.senders.values()
        for name in names
    }


def test_the_document_is_what_the_generator_makes_now():
    assert DOCUMENT.read_text() == render(), "stale: run .venv/bin/orderflow-asyncapi"


def test_every_topic_is_a_channel_once_and_every_event_is_a_contract():
    assert [c.topic for c in CHANNELS] == list(dict.fromkeys(c.topic for c in CHANNELS))
    assert {c.topic for c in CHANNELS} == {*topics.BUS_TOPICS, PICK_TASKS}
    for channel in CHANNELS:
        for names in channel.senders.values():
            assert all(event_model(name) is not None for name in names), channel.topic


def test_every_event_contract_travels_on_some_topic():
    everywhere = {
        name for channel in CHANNELS for names in channel.senders.values() for name in names
    }
    assert set(Event._registry) - everywhere == set(), "a contract no channel lists"


def test_every_event_a_service_consumes_is_carried_by_its_topic():
    for service, subscriptions in service_subscriptions().items():
        for topic, event_type, use_case in subscriptions.routes():
            assert event_type in carried(topic), f"{service}.{use_case}: {event_type} on {topic}"


def test_every_event_the_journey_says_a_service_emits_is_listed_for_it():
    senders = {
        (sender, channel.topic.replace("{location_id}", "&lt;location&gt;"), name)
        for channel in CHANNELS
        for sender, names in channel.senders.items()
        for name in names
    }
    rows = [m.groups() for line in JOURNEY.read_text().splitlines() if (m := ROW.match(line))]
    assert rows
    for service, emits in rows:
        if emits == "-":
            continue
        for part in re.split(r";\s", emits):
            topic, names = part.split(": ", 1)
            for name in names.split(", "):
                assert (service, topic, name) in senders, f"{service} emits {name} on {topic}"


def test_each_operation_names_its_channel_and_a_consumer_reads_only_its_own_types():
    document = yaml.safe_load(DOCUMENT.read_text())
    operations, components = document["operations"], document["components"]
    assert operations["orders:intake:send"]["action"] == "send"
    assert operations["routing.plans:inventory:receive"]["action"] == "receive"
    message = components["messages"]["routing.plans:inventory:receive:SubscribeMessage"]
    assert message["payload"] == {"$ref": "#/components/schemas/ShipmentsPlannedEnvelope"}
    envelope = components["schemas"]["ShipmentsPlannedEnvelope"]
    assert envelope["properties"]["type"]["const"] == "ShipmentsPlanned"
    assert envelope["properties"]["payload"] == {"$ref": "#/components/schemas/ShipmentsPlanned"}
