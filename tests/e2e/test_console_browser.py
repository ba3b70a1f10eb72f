"""The operators' console in a real browser (Debian's Chromium, headless, driven by
Playwright) against `orderflow run`'s whole stack: the embedded broker and PostgreSQL, the five
services, the simulated partners and the console, as `make run` starts them. Opens an order's
timeline, releases a held order, replays a dead letter, opens the ship-by alert list filtered
to one marketplace; screenshots go to the test's tmp_path
(their paths are printed). `orderflow run` turns the operators' keys on: the browser signs in
with a key, and a reader's key is refused the release (403, "needs operate")."""

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads
from orderflow_simulators.bus import PartnerBus

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium (/usr/bin/chromium); .ci/run installs it",
    ),
]
ORDERFLOW = str(Path(sys.executable).parent / "orderflow")  # the command `make run` runs
# The flags that keep Chromium off the network it cannot reach here (and on CI).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_S = 150
WAIT_MS = 30_000


class Stack:
    def __init__(self, output: Path) -> None:
        self.output = output

    def text(self) -> str:
        return self.output.read_text(errors="replace")

    def wait_for(self, pattern: str, process: subprocess.Popen[bytes]) -> str:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if found := re.search(pattern, self.text()):
                return found.group(1)
            if process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"'orderflow run' never printed {pattern!r}:\n{self.text()}")


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, str]]:
    """`orderflow run` (what `make run` runs) in tmp_path, until the test ends."""
    output = tmp_path / "orderflow-run.txt"
    with open(output, "wb") as out:
        process = subprocess.Popen(
            [
                ORDERFLOW,
                "run",
                "--rate",
                "2",
                "--stock",
                "500",
            ],
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "COLUMNS": "200"},
        )
    printed = Stack(output)
    try:
        console = printed.wait_for(r"operators' console (http://\S+/)", process)
        kafka = printed.wait_for(r"Kafka (\S+)", process)
        operator = printed.wait_for(r"operator's key: (of_\S+)", process)
        keys = dict(
            (name, key)
            for name, _, key in (
                line.split() for line in (tmp_path / ".orderflow" / "api-keys.txt").open()
            )
        )
        assert keys["operator@demo"] == operator
        yield {
            "console": console,
            "kafka": kafka,
            "operator": operator,
            "reader": keys["reader@demo"],
            "admin": keys["admin@demo"],
        }
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _publish(kafka: str, orders: list[tuple[str, str, dict[str, str]]], poison: str) -> list[str]:
    """Shopify orders of one unit each, as (channel SKU, e-mail, address changes), then bytes
    on marketplace.orders that are no envelope (a dead letter); the orders' ids."""

    async def publish() -> list[str]:
        bus = PartnerBus(kafka, "console-test")
        await bus.start()
        ids = []
        first_number = 9_100_000 + uuid.uuid4().int % 800_000
        try:
            for number, (channel_sku, email, address) in enumerate(orders, start=first_number):
                order = payloads.shopify_order(
                    number, [(channel_sku, 1)], email=email, address_overrides=address
                )
                external = payloads.external_id("shopify", order)
                await bus.publish(
                    topics.MARKETPLACE_ORDERS,
                    topics.channel_order_key("shopify", external),
                    MarketplaceOrderPublished(channel="shopify", payload=order),
                )
                await bus.flush()  # the duplicate after its first
                ids.append(order_id_for("shopify", external))
            await bus.publish_raw(topics.MARKETPLACE_ORDERS, poison, poison.encode() + b' {"payl')
            await bus.flush()
        finally:
            await bus.stop()
        return ids

    # In a thread of its own: asyncio.run here would leave this thread without an event loop
    # for the tests after this one.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, publish()).result()


def _get(url: str, key: str) -> Any:
    request = urllib.request.Request(url, headers={"X-API-Key": key})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_an_operator_follows_an_order_releases_holds_and_replays_a_dead_letter(
    stack: dict[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    console, key = stack["console"], stack["operator"]
    poison = f"console-test-poison-{uuid.uuid4().hex[:8]}"
    buyer, unlisted = f"console-{uuid.uuid4().hex[:8]}@example.com", f"UNLISTED-{poison[-8:]}"
    no_street = {"address1": "", "zip": ""}
    orders = [
        ("MUG-RED", buyer, {}),
        ("MUG-RED", buyer, {}),  # held: a probable duplicate of the first
        (unlisted, "other@example.com", {}),  # held: an unknown SKU
        ("MUG-RED", "third@example.com", no_street),  # held: an incomplete address
        (f"{unlisted}-X", "fourth@example.com", {}),  # held, to be cancelled
    ]
    first, duplicate, unmapped, homeless, unwanted = _publish(stack["kafka"], orders, poison)
    shots = tmp_path / "screenshots"
    shots.mkdir()

    def shot(page: Any, name: str) -> None:
        path = shots / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        print(f"screenshot: {path}")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)

            def open_view(hash_route: str, ready: str) -> None:
                """Open the view, reloading until `ready` (a selector) is on it."""
                deadline = time.monotonic() + WAIT_MS / 1000
                while True:
                    page.goto(f"{console}#{hash_route}")
                    page.reload()
                    page.wait_for_selector("#view[data-ready=true]")
                    if page.locator(ready).count() or time.monotonic() > deadline:
                        break
                    time.sleep(0.5)
                expect(page.locator(ready).first).to_be_visible()

            def sign_in(api_key: str, who: str) -> None:
                page.goto(console)
                # the page asks who is signed in first: wait for its answer, not the old page's
                page.wait_for_selector("#sign-out:visible, #api-key:visible")
                if page.locator("#sign-out").is_visible():
                    page.locator("#sign-out").click()
                page.locator("#api-key").fill(api_key)
                page.locator("#sign-in button").click()
                expect(page.locator("#operator")).to_contain_text(who)

            page.goto(console)
            expect(page.locator("#sign-in")).to_be_visible()  # keys are on: no key, no data
            expect(page.locator("[data-testid=view-error]")).to_contain_text("401")
            shot(page, "0-sign-in")

            # a reader sees the queue but may not release
            sign_in(stack["reader"], "reader@demo (read)")
            held = f"tr[data-order='{duplicate}']"
            open_view("/exceptions", held)
            page.locator(f"{held} button[data-action=release]").click()
            expect(page.locator("#flash")).to_contain_text("403 not allowed: this needs operate")
            shot(page, "0b-reader-refused")
            assert _get(f"{console}api/intake/orders/{duplicate}", key)["status"] == "held"
            page.locator("#sign-out").click()

            sign_in(key, "operator@demo (operate)")
            open_view("/orders", "table[data-testid=orders] tbody tr")
            shot(page, "1-orders")

            # the held duplicate, released from the exception queue
            held = f"tr[data-order='{duplicate}']"
            open_view("/exceptions", held)
            expect(page.locator(held)).to_contain_text("probable_duplicate")
            shot(page, "2-exception-queue")
            page.locator(f"{held} button[data-action=release]").click()
            expect(page.locator("#flash")).to_contain_text(f"released {duplicate}: accepted")
            # released, and maybe already on its way: the stack ships within a second or two
            status = _get(f"{console}api/intake/orders/{duplicate}", key)["status"]
            assert status in ("accepted", "shipped", "delivered"), status
            audit = _get(f"{console}api/intake/orders/{duplicate}/audit", key)
            assert ("release", "operator@demo") in {(a["action"], a["actor"]) for a in audit}
            shot(page, "3-released")

            # the unknown SKU mapped to a master SKU (a listing: an admin's), then released
            held = f"tr[data-order='{unmapped}']"

            def map_sku() -> None:
                open_view("/exceptions", held)
                expect(page.locator(held)).to_contain_text("unknown_sku")
                page.locator(f"{held} summary:has-text('Map SKU')").click()
                form = f"{held} form[data-action=map-sku]"
                page.locator(f"{form} input[name=channel_sku]").fill(unlisted)
                page.locator(f"{form} input[name=sku]").fill("MUG-BLUE")
                page.locator(f"{form} button").click()

            map_sku()
            expect(page.locator("#flash")).to_contain_text("403 not allowed: this needs admin")
            sign_in(stack["admin"], "admin@demo (admin)")
            map_sku()
            shot(page, "3b-map-sku")
            expect(page.locator("#flash")).to_contain_text(f"released {unmapped}: accepted")
            lines = _get(f"{console}api/intake/orders/{unmapped}", key)["order"]["lines"]
            assert [line["sku"] for line in lines] == ["MUG-BLUE"]
            sign_in(key, "operator@demo (operate)")

            # the address completed, and the order screened again
            held = f"tr[data-order='{homeless}']"
            open_view("/exceptions", held)
            page.locator(f"{held} summary:has-text('Fix address')").click()
            form = f"{held} form[data-action=address]"
            page.wait_for_selector(f"{form}[data-prefilled=true]")  # the order's own address
            expect(page.locator(f"{form} input[name=name]")).to_have_value("Ada Lovelace")
            address = payloads.ADDRESSES["US"]
            for field in ("line1", "postal_code"):
                page.locator(f"{form} input[name={field}]").fill(address[field])
            page.locator(f"{form} button").click()
            expect(page.locator("#flash")).to_contain_text(f"address of {homeless}: accepted")

            # a held order cancelled with a reason
            held = f"tr[data-order='{unwanted}']"
            open_view("/exceptions", held)
            page.locator(f"{held} summary:has-text('Cancel')").click()
            page.locator(f"{held} form[data-action=cancel] input[name=reason]").fill("buyer asked")
            page.locator(f"{held} form[data-action=cancel] button").click()
            expect(page.locator("#flash")).to_contain_text(f"cancelled {unwanted}: cancelled")
            assert (
                _get(f"{console}api/intake/orders/{unwanted}", key)["cancel_reason"]
                == "buyer asked"
            )

            # the first order's timeline, by its correlation id, once it has a pick task
            correlation = _get(f"{console}api/intake/orders/{first}", key)["correlation_id"]
            open_view(f"/order/{correlation}", "tr[data-step='pick task']")
            expect(page.locator("[data-testid=timeline-order]")).to_have_text(first)
            for step in ("received", "screened: accepted", "planned", "reserved", "pick task"):
                expect(page.locator(f"tr[data-step='{step}']").first).to_be_visible()
            shot(page, "4-timeline")

            # the poison bytes, dead-lettered by intake, replayed to marketplace.orders
            letter = f"tr[data-letter]:has-text('{poison}')"
            open_view("/dead-letters", letter)
            expect(page.locator(letter)).to_have_count(1)
            expect(page.locator(letter)).to_contain_text("marketplace.orders")
            page.locator(f"{letter} button[data-replay]").click()
            expect(page.locator("#flash")).to_contain_text("to marketplace.orders partition")
            shot(page, "5-replayed")
            # still poison: intake dead-letters the replayed copy again, under a new id
            deadline = time.monotonic() + WAIT_MS / 1000
            while page.locator(letter).count() < 2 and time.monotonic() < deadline:
                page.reload()
                page.wait_for_selector("#view[data-ready=true]")
                time.sleep(0.5)
            expect(page.locator(letter)).to_have_count(2)
            expect(page.locator(letter).first).to_contain_text("replay of marketplace.orders.dlq:")
            shot(page, "6-dead-lettered-again")

            open_view("/stock", "table[data-testid=stock] tbody tr")
            expect(page.locator("table[data-testid=stock]")).to_contain_text("MUG-RED")
            shot(page, "7-stock")

            open_view("/kpis", "[data-kpi='oversold units']")
            expect(page.locator("[data-kpi='oversold units'] .value")).to_have_text("0")
            for chart in (
                "oversold",
                "stock-out-rate",
                "exception-rate-by-reason",
                "order-to-ship",
                "routing-shares",
                "cost-per-order",
            ):
                expect(page.locator(f"[data-chart={chart}] svg")).to_be_visible()
            # routing's own figures: orders were planned, so a cost and both shares are drawn
            routing_shares = page.locator("[data-chart=routing-shares] rect[data-label]")
            expect(routing_shares).to_have_count(2)
            cost = page.locator("[data-kpi='plan cost per order'] .value")
            expect(cost).to_have_text(re.compile(r"^\d+\.\d\d$"))  # not the page's dash
            expect(page.locator("[data-kpi='split orders'] .value")).to_contain_text("%")
            shot(page, "8-kpis")

            # the ship-by alert list (fulfillment's at-risk and late), then one marketplace's
            open_view("/ship-by", "table[data-testid=ship-by]")
            for band in ("late", "at 80 %", "at 50 %", "on-time ship rate (7 days)"):
                expect(
                    page.locator(f"[data-testid=ship-by-counts] [data-kpi='{band}']")
                ).to_be_visible()
            page.locator("#ship-by-filters select[name=channel]").select_option("shopify")
            page.locator("#ship-by-filters button").click()
            expect(page.locator("#view h2")).to_contain_text("on shopify")
            page.wait_for_selector("#view[data-ready=true]")
            assert page.url.endswith("#/ship-by?channel=shopify"), page.url
            rows = page.locator("table[data-testid=ship-by] tr[data-shipment]")
            for n in range(rows.count()):  # Shopify sends no ship-by: each one is derived
                expect(rows.nth(n).locator("td").nth(2)).to_have_text("shopify")
                expect(rows.nth(n).locator(".derived")).to_be_visible()
            if not rows.count():
                expect(page.locator("table[data-testid=ship-by]")).to_contain_text(
                    "no shipment at risk"
                )
            shot(page, "8b-ship-by")

            page.goto(f"{console}asyncapi")
            expect(page.locator("tr[data-topic='marketplace.orders']")).to_contain_text("intake")
            shot(page, "9-event-bus")
        finally:
            browser.close()
