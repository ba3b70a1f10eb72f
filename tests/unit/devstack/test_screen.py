"""The live screen points each count at the route where an operator looks next; a test keeps
every pointer on a route the service really serves."""

import re
from importlib import import_module
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from orderflow_devstack.observer import Journey
from orderflow_devstack.screen import WHERE, render
from rich.console import Console

from tests.conftest import SELLER_SETUP_FILE

RUNTIME_ROUTES = {"/healthz", "/metrics", "/docs"}
NEEDS_SETUP = {"intake", "routing", "inventory"}


def served_paths(service: str) -> set[str]:
    app = import_module(f"orderflow_{service}.app")
    config = import_module(f"orderflow_{service}.config")
    settings = config.Settings(
        database_url="postgresql://unused",
        **(
            {"seller_setup_file": str(SELLER_SETUP_FILE)}
            if service != "fulfillment" and service != "notifications"
            else {}
        ),
    )
    spec = app.create_spec(settings)
    api = FastAPI()
    if spec.api:  # the routers only keep the service to reach its pool when a request comes
        api.include_router(spec.api(SimpleNamespace(pool=None, settings=settings)))
    return set(api.openapi()["paths"])


POINTERS = sorted(
    {
        (service, path)
        for where in WHERE.values()
        for service, path in re.findall(r"(\w+) (/[\w/{}.-]+)", where)
    }
)


@pytest.mark.parametrize(("service", "path"), POINTERS)
def test_every_pointer_names_a_route_its_service_serves(service: str, path: str) -> None:
    assert path in served_paths(service) | RUNTIME_ROUTES


def test_the_screen_shows_the_counts_and_where_to_look() -> None:
    journey = Journey(received=3, held=1, dead_lettered=2)
    console = Console(width=140, record=True)
    console.print(render(journey, 12.0, {"intake": "running"}))
    text = console.export_text()

    assert re.search(r"held \(exception queue\)\s+│\s+1\s+│ intake /exceptions", text)
    assert re.search(r"dead-lettered messages\s+│\s+2\s+│ <topic>\.dlq", text)
    assert "intake /healthz" in text


def test_the_screen_shows_the_operators_console_and_where_the_keys_are() -> None:
    console = Console(width=140, record=True)
    keys = "API keys (admin, operator, reader) in .orderflow/api-keys.txt; operator's key: of_x"
    addresses = {"intake": "http://127.0.0.1:41001"}
    console.print(
        render(Journey(), 1.0, {"intake": "running"}, "http://127.0.0.1:23106/", keys, addresses)
    )
    text = " ".join(console.export_text().split())  # the caption wraps to the table's width
    assert "operators' console: http://127.0.0.1:23106/" in text
    assert keys in text
    assert re.search(r"service intake\W+running\W+http://127\.0\.0\.1:41001/docs", text)


def test_with_the_console_the_held_and_dead_lettered_counts_point_at_its_pages() -> None:
    console = Console(width=160, record=True)
    journey = Journey(held=1, dead_lettered=2)
    console.print(render(journey, 1.0, {"intake": "running"}, "http://127.0.0.1:23106/"))
    text = console.export_text()
    assert re.search(
        r"held \(exception queue\)\s+│\s+1\s+│ http://127\.0\.0\.1:23106/#/exceptions", text
    )
    assert re.search(
        r"dead-lettered messages\s+│\s+2\s+│ http://127\.0\.0\.1:23106/#/dead-letters", text
    )
