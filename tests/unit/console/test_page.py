"""The console's page is served by the console itself, and nothing on it is fetched from
anywhere else (no CDN): every asset and API call is on the console's own origin."""

import re
from pathlib import Path

import httpx
import orderflow_console
from orderflow_asyncapi import CHANNELS, DOCUMENT, render
from orderflow_console.app import create_app
from orderflow_console.config import ConsoleSettings

STATIC = Path(orderflow_console.__file__).parent / "static"


async def test_the_page_and_its_assets_are_served_by_the_console() -> None:
    app = create_app(ConsoleSettings())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://console"
    ) as console:
        page = await console.get("/")
        assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
        answers = [await console.get(asset) for asset in assets]
        services = (await console.get("/api/services")).json()
        health = (await console.get("/healthz")).json()  # the containers' probe
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert sorted(assets) == ["/static/console.css", "/static/console.js"]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert services == {"services": {}, "dead_letters": False, "api_keys": False}
    assert 'href="/asyncapi"' in page.text
    assert health == {"service": "console", "status": "ok", "api_access": "open"}


def test_nothing_is_loaded_from_another_origin() -> None:
    for asset in STATIC.iterdir():
        text = asset.read_text()
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text), asset.name
        assert "@import" not in text and "url(" not in text, asset.name


async def test_the_asyncapi_document_served_is_the_generated_and_committed_one() -> None:
    app = create_app(ConsoleSettings())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://console"
    ) as console:
        document = await console.get("/asyncapi.yaml")
        page = await console.get("/asyncapi")
    assert document.status_code == 200 and "yaml" in document.headers["content-type"]
    assert document.text == render() == DOCUMENT.read_text()
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for channel in CHANNELS:
        row = re.search(rf'<tr data-topic="{re.escape(channel.topic)}">(.*?)</tr>', page.text)
        assert row, channel.topic
        for sender, events in channel.senders.items():
            assert f"<b>{sender}</b>: {', '.join(events)}" in row.group(1)
    orders = re.search(r'<tr data-topic="orders">(.*?)</tr>', page.text)
    assert orders and "<b>routing</b>: OrderAccepted" in orders.group(1)  # a consumer
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)  # nothing from elsewhere
