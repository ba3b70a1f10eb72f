"""The console's KPI charts: each of the seeds' KPIs (oversell, stock-out rate, exception rate
by reason, order-to-ship time, on-time ship rate, turnover, slow movers) and routing's (split
and unroutable shares, plan cost per order) is drawn as inline SVG from what the services' GET
/kpis answer, built here with the services' own response models
and inventory's own KPI arithmetic."""

import re
from datetime import UTC, datetime

import httpx
from orderflow_console.app import create_app
from orderflow_console.config import ConsoleSettings
from orderflow_console.kpis import hours_text
from orderflow_fulfillment.kpis import ShipKpis
from orderflow_intake.api.schemas import Kpis, QueueTime, ReasonRate
from orderflow_inventory import kpis as inventory_kpis
from orderflow_routing.kpis import RoutingKpis

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
INTAKE = Kpis(
    since=NOW,
    until=NOW,
    orders=200,
    orders_per_channel_per_hour=[],
    exception_rate=0.1,
    exception_rate_by_reason=[
        ReasonRate(reason="unknown_sku", orders=12, rate=0.06),
        ReasonRate(reason="probable_duplicate", orders=8, rate=0.04),
    ],
    time_in_exception_queue=QueueTime(resolved=3, median_seconds=60, p90_seconds=300),
    open_holds=17,
)
INVENTORY = inventory_kpis.of(
    {
        "on_hand": 900,
        "on_hand_change": -100,
        "shipped": 300,
        "slow_skus": 1,
        "skus_in_stock": 4,
        "stocked_out": 5,
        "orders": 100,
        "oversold": 0,
        "exact_counts": 0,
        "counts": 0,
        "variance": 0,
    },
    30,
)
SHIP = ShipKpis(
    days=7,
    shipped=150,
    on_time_ship_rate=0.96,
    order_to_ship_p50_hours=5.5,
    order_to_ship_p90_hours=20.25,
    at_risk=2,
    late=1,
)
ROUTING = RoutingKpis(
    days=7,
    orders=40,
    planned=38,
    split_rate=0.1053,
    mean_cost_per_order=12.3456,
    unroutable_share=0.05,
    replans=3,
)
SLOW = [
    {
        "id": 1,
        "sku": "MUG-GREEN",
        "kind": "slow_mover",
        "detail": {"sku": "MUG-GREEN", "on_hand": 40, "days_without_sale": 45},
        "raised_at": NOW.isoformat(),
    }
]


def _services(request: httpx.Request) -> httpx.Response:
    answers = {
        ("intake", "/kpis"): INTAKE.model_dump(mode="json"),
        ("inventory", "/kpis"): INVENTORY.model_dump(mode="json"),
        ("fulfillment", "/kpis"): SHIP.model_dump(mode="json"),
        ("routing", "/kpis"): ROUTING.model_dump(mode="json"),
        ("inventory", "/alerts"): SLOW,
    }
    body = answers.get((request.url.host, request.url.path))
    if request.url.path == "/alerts" and request.url.params.get("kind") != "slow_mover":
        body = []  # the newest alerts of every kind: the slow movers behind the others
    return httpx.Response(404) if body is None else httpx.Response(200, json=body)


async def _charts() -> dict[str, str]:
    upstreams = {s: f"http://{s}" for s in ("intake", "inventory", "fulfillment", "routing")}
    client = httpx.AsyncClient(transport=httpx.MockTransport(_services))
    app = create_app(ConsoleSettings(upstreams=upstreams), client)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://console"
    ) as console:
        answer = await console.get("/api/kpis")
    assert answer.status_code == 200, answer.text
    assert answer.json()["unavailable"] == []
    return {chart["name"]: chart["svg"] for chart in answer.json()["charts"]}


def bars(svg: str) -> dict[str, float]:
    return {
        label: float(value)
        for label, value in re.findall(r'data-label="([^"]+)" data-value="([^"]+)"', svg)
    }


async def test_every_kpi_of_the_seeds_is_a_chart_drawn_from_the_services_figures() -> None:
    charts = await _charts()
    assert set(charts) == {
        "oversold",
        "stock-out-rate",
        "exception-rate-by-reason",
        "order-to-ship",
        "on-time-ship-rate",
        "turnover",
        "slow-movers",
        "routing-shares",
        "cost-per-order",
    }
    assert all(svg.startswith("<svg") for svg in charts.values()), charts
    assert bars(charts["oversold"]) == {"oversold units": 0}
    assert bars(charts["stock-out-rate"]) == {"orders without stock": 0.05}
    assert bars(charts["exception-rate-by-reason"]) == {
        "any reason": 0.1,
        "unknown_sku": 0.06,
        "probable_duplicate": 0.04,
    }
    assert bars(charts["order-to-ship"]) == {"p50": 5.5, "p90": 20.25}
    assert hours_text(0.05) == "3.0 min"  # the simulated partners ship in seconds
    assert bars(charts["on-time-ship-rate"]) == {"shipped by ship-by": 0.96}
    assert bars(charts["turnover"]) == {"turnover": 0.3158}  # 300 / ((900 + 1000) / 2)
    assert bars(charts["slow-movers"]) == {"MUG-GREEN": 45}
    assert bars(charts["routing-shares"]) == {"split orders": 0.1053, "unroutable": 0.05}
    assert bars(charts["cost-per-order"]) == {"mean plan cost": 12.3456}
    assert ">12.35<" in charts["cost-per-order"] and ">10.5 %<" in charts["routing-shares"]
    assert (
        ">20.25 h<" in charts["order-to-ship"]
        and ">5.50 h<" in charts["order-to-ship"]
        and ">96.0 %<" in charts["on-time-ship-rate"]
    )


async def test_a_chart_whose_service_did_not_answer_says_so() -> None:
    upstreams = {"intake": "http://intake"}
    client = httpx.AsyncClient(transport=httpx.MockTransport(_services))
    app = create_app(ConsoleSettings(upstreams=upstreams), client)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://console"
    ) as console:
        found = (await console.get("/api/kpis")).json()
    charts = {chart["name"]: chart["svg"] for chart in found["charts"]}
    assert "<svg" in charts["exception-rate-by-reason"]
    assert "no data yet" in charts["on-time-ship-rate"]
    assert "no order planned yet" in charts["cost-per-order"]
    assert any(line.startswith("fulfillment /kpis") for line in found["unavailable"])
