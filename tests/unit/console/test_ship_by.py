"""The console's ship-by page: fulfillment's at-risk (from 50 %) and late lists as one alert
list at 50, 80 and 100 % of the time to ship-by, late first, each shipment once with its
marketplace, ship-by (marked when derived from the seller's handling time), the share of its
time used and a link to its order's timeline; of one marketplace when the operator filters,
with that marketplace's on-time ship rate and order-to-ship time."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import orderflow_console
from orderflow_console.app import create_app
from orderflow_console.config import ConsoleSettings
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_fulfillment.api import AtRisk
from orderflow_fulfillment.kpis import ShipKpis

STATIC = Path(orderflow_console.__file__).parent / "static"
PLACED = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _shipment(n: int, channel: str, percent: int, *, derived: bool = False) -> AtRisk:
    return AtRisk(
        shipment_id=f"s-{n}",
        order_id=f"o-{n}",
        location_id="us-ontario",
        channel=channel,
        status=ShipmentStatus.PICKED,
        placed_at=PLACED,
        ship_by=PLACED + timedelta(days=2),
        ship_by_derived=derived,
        percent_used=percent,
    )


LATE = [_shipment(1, "amazon", 130), _shipment(2, "shopify", 104, derived=True)]
# fulfillment's at-risk list from 50 % holds the late ones too
AT_RISK = [_shipment(3, "shopee", 55), _shipment(4, "amazon", 85), *LATE]


def _kpis(channel: str | None) -> ShipKpis:
    return ShipKpis(
        days=7,
        channel=channel,
        shipped=40 if channel else 100,
        on_time_ship_rate=0.9 if channel else 0.95,
        order_to_ship_p50_hours=5.0,
        order_to_ship_p90_hours=30.0,
        at_risk=2,
        late=1,
    )


class Fulfillment:
    def __init__(self, at_risk: list[AtRisk] = AT_RISK, late: list[AtRisk] = LATE) -> None:
        self.lists = {"/shipments/at-risk": at_risk, "/shipments/late": late}
        self.asked: list[httpx.URL] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(request.url)
        channel = request.url.params.get("channel")
        if request.url.path == "/kpis":
            return httpx.Response(200, json=_kpis(channel).model_dump(mode="json"))
        lists = self.lists
        shipments = [s for s in lists[request.url.path] if channel in (None, s.channel)]
        return httpx.Response(200, json=[s.model_dump(mode="json") for s in shipments])


async def _page(
    fulfillment: Fulfillment, query: str = "", services: tuple[str, ...] = ("fulfillment",)
) -> httpx.Response:
    client = httpx.AsyncClient(transport=httpx.MockTransport(fulfillment))
    upstreams = {service: f"http://{service}" for service in services}
    app = create_app(ConsoleSettings(upstreams=upstreams), client)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://console"
    ) as console:
        return await console.get(f"/api/ship-by{query}")


async def test_late_and_at_risk_shipments_are_one_alert_list_late_first() -> None:
    fulfillment = Fulfillment()
    answer = await _page(fulfillment)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    rows = [
        (s["shipment_id"], s["band"], s["channel"], s["percent_used"], s["ship_by_derived"])
        for s in found["shipments"]
    ]
    assert rows == [
        ("s-1", "late", "amazon", 130, False),
        ("s-2", "late", "shopify", 104, True),
        ("s-4", "80 %", "amazon", 85, False),
        ("s-3", "50 %", "shopee", 55, False),
    ]
    assert found["counts"] == {"late": 2, "80 %": 1, "50 %": 1}
    assert found["shipments"][0]["timeline"] == "#/order/o-1"
    assert found["shipments"][0]["ship_by"] == "2026-12-03T09:00:00Z"
    assert found["unavailable"] == []
    assert {(url.path, url.params.get("percent")) for url in fulfillment.asked} == {
        ("/shipments/at-risk", "50"),
        ("/shipments/late", None),
        ("/kpis", None),
    }
    assert found["kpis"]["on_time_ship_rate"] == 0.95


async def test_the_channel_filter_asks_fulfillment_for_one_marketplace() -> None:
    fulfillment = Fulfillment()
    found = (await _page(fulfillment, "?channel=amazon")).json()
    assert [s["shipment_id"] for s in found["shipments"]] == ["s-1", "s-4"]
    assert found["channel"] == "amazon"
    assert [url.params.get("channel") for url in fulfillment.asked] == ["amazon"] * 3
    assert (found["kpis"]["channel"], found["kpis"]["on_time_ship_rate"]) == ("amazon", 0.9)


async def test_a_late_shipment_is_late_as_fulfillment_says_not_by_its_rounded_share() -> None:
    almost = _shipment(5, "tiktok", 100)  # 99.6 % rounded: not past its ship-by yet
    found = (await _page(Fulfillment(at_risk=[almost], late=[]))).json()
    assert [(s["shipment_id"], s["band"]) for s in found["shipments"]] == [("s-5", "80 %")]


async def test_fulfillment_unreachable_is_said_not_shown_as_no_alerts() -> None:
    found = (await _page(Fulfillment(), services=("intake",))).json()
    assert found["shipments"] == []
    assert len(found["unavailable"]) == 3 and found["kpis"] is None
    assert all(line.startswith("fulfillment /") for line in found["unavailable"])


def test_the_page_has_the_ship_by_view_with_its_filter_and_timeline_links() -> None:
    page = (STATIC / "index.html").read_text()
    script = (STATIC / "console.js").read_text()
    assert 'href="#/ship-by"' in page
    assert re.search(r'"ship-by": \(\) => showShipBy\(params\)', script)
    body = script[script.index("async function showShipBy") :]
    body = body[: body.index("\n}\n")]
    assert "/api/ship-by?" in body and 'id="ship-by-filters"' in body
    for shown in (
        "s.channel",
        "s.ship_by",
        "s.ship_by_derived",
        "s.percent_used",
        "s.timeline",
        "ship.on_time_ship_rate",
        "ship.order_to_ship_p90_hours",
    ):
        assert shown in body, shown
