"""docs/journey.md stays true: every subscription in the code is on the page with its use case,
nothing on the page is missing from the code, and every event it says a hop emits is a contract
the service's code names."""

import re
from pathlib import Path

import orderflow_contracts  # noqa: F401  registers every event type
from orderflow_asyncapi import service_subscriptions
from orderflow_contracts import event_model

ROOT = Path(__file__).resolve().parents[3]
JOURNEY = ROOT / "docs" / "journey.md"
ROW = re.compile(r"^\| (\d+) \| (\w+) \| ([\w.]+): (\w+) \| (\w+) \| (.+) \|$")


def page_rows() -> list[tuple[str, str, str, str, str]]:
    return [
        match.groups()[1:]
        for line in JOURNEY.read_text().splitlines()
        if (match := ROW.match(line))
    ]


def emitted(cell: str) -> list[str]:
    if cell == "-":
        return []
    return [
        name.strip() for part in re.split(r";\s", cell) for name in part.split(":", 1)[1].split(",")
    ]


def test_every_subscription_is_on_the_page_and_every_row_is_in_the_code():
    in_code = {
        (service, topic, event_type, use_case)
        for service, subscriptions in service_subscriptions().items()
        for topic, event_type, use_case in subscriptions.routes()
    }
    on_page = {row[:4] for row in page_rows()}
    assert on_page - in_code == set(), "on the page, not in the code"
    assert in_code - on_page == set(), "in the code, not on the page"
    assert len(page_rows()) == len(on_page), "a subscription is on the page twice"


def test_every_event_a_hop_emits_is_a_contract_its_service_names():
    for service, _, _, use_case, emits in page_rows():
        package = ROOT / "services" / service / "src" / f"orderflow_{service}"
        source = "".join(path.read_text() for path in package.rglob("*.py"))
        for event_type in emitted(emits):
            assert event_model(event_type) is not None, f"{use_case}: {event_type} is no event"
            assert re.search(rf"\b{event_type}\b", source), f"{service} never names {event_type}"
