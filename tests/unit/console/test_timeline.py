"""The console's timeline: every service's news of one order merged oldest first, fetched
through the proxy, with what a service does not know (404) empty and what failed named."""

import json

import httpx
from orderflow_console.app import create_app
from orderflow_console.config import ConsoleSettings
from orderflow_console.timeline import assemble

ORDER = {
    "order_id": "o-1",
    "channel": "shopify",
    "external_id": "1001",
    "status": "shipped",
    "correlation_id": "c-1",
    "received_at": "2026-12-05T10:00:00+00:00",
    "accepted_at": "2026-12-05T10:00:05.5+00:00",
    "shipped_at": "2026-12-05T10:59:00.5+00:00",
    "cancelled_at": None,
    "holds": [
        {
            "code": "probable_duplicate",
            "detail": "same customer",
            "held_at": "2026-12-05T10:00:01+00:00",
            "resolved_at": "2026-12-05T10:00:04+00:00",
        }
    ],
}
SOURCES = {
    "order": ORDER,
    "audit": [{"action": "release", "actor": "mei", "at": "2026-12-05T10:00:04+00:00"}],
    "decisions": {
        "decisions": [
            {
                "attempt": 1,
                "outcome": "planned",
                "reason": "",
                "chosen": [{"location_id": "us-ontario", "carrier": "usps", "service": "ground"}],
                "decided_at": "2026-12-05T10:00:06+00:00",
            }
        ]
    },
    "reservation": {
        "attempt": 1,
        "status": "reserved",
        "created_at": "2026-12-05T10:00:07+00:00",
        "updated_at": "2026-12-05T10:00:07+00:00",
        "lines": [{"sku": "MUG-RED", "quantity": 2, "location_id": "us-ontario"}],
    },
    "shipments": [
        {
            "shipment_id": "s-1",
            "location_id": "us-ontario",
            "carrier": "usps",
            "created_at": "2026-12-05T10:00:08+00:00",
            "history": [
                {"status": "shipped", "accepted": True, "note": "", "at": "2026-12-05T10:59:00Z"},
                {"status": "delivered", "accepted": True, "note": "", "at": "2026-12-06T09:00Z"},
            ],
        }
    ],
    "uploads": [
        {
            "order_id": "o-1",
            "tracking_number": "T1",
            "channel": "shopify",
            "status": "accepted",
            "updated_at": "2026-12-05T11:00:01+00:00",
        },
        {
            "order_id": "o-2",
            "tracking_number": "T2",
            "channel": "shopify",
            "status": "accepted",
            "updated_at": "2026-12-05T11:00:01+00:00",
        },
    ],
    "notifications": [
        {
            "kind": "shipped",
            "recipient": "a@x.org",
            "language": "en",
            "status": "sent",
            "created_at": "2026-12-05T11:00:02+00:00",
            "sent_at": "2026-12-05T11:00:03+00:00",
        }
    ],
}


def test_every_services_news_is_merged_oldest_first_whatever_the_time_format() -> None:
    entries = assemble("o-1", SOURCES)
    steps = [(entry.service, entry.step) for entry in entries]
    assert steps == [
        ("intake", "received"),
        ("intake", "held"),
        ("intake", "hold resolved"),
        ("intake", "operator: release"),
        ("intake", "screened: accepted"),
        ("routing", "planned"),
        ("inventory", "reserved"),
        ("fulfillment", "pick task"),
        ("fulfillment", "warehouse news"),
        ("intake", "shipped"),
        ("fulfillment", "tracking sent"),
        ("notifications", "notification"),
        ("fulfillment", "carrier news"),
    ]
    planned = next(entry for entry in entries if entry.step == "planned")
    assert "us-ontario by usps ground" in planned.summary
    assert all("T2" not in entry.summary for entry in entries)  # another order's upload


def test_a_missing_source_adds_nothing() -> None:
    entries = assemble("o-1", {"order": ORDER})
    assert {entry.service for entry in entries} == {"intake"}


def _services(seen: list[httpx.Request]) -> httpx.MockTransport:
    """Stand-ins for the five services' HTTP APIs: routing is down, inventory never saw the
    order, the rest answer from SOURCES."""
    by_path = {
        ("intake", "/orders/o-1"): ORDER,
        ("intake", "/orders/o-1/audit"): SOURCES["audit"],
        ("fulfillment", "/orders/o-1/shipments"): SOURCES["shipments"],
        ("fulfillment", "/tracking-uploads"): SOURCES["uploads"],
        ("notifications", "/orders/o-1/notifications"): SOURCES["notifications"],
        ("intake", "/orders"): {"items": [{"order_id": "o-1"}], "total": 1},
    }

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        service = request.url.host
        if service == "routing":
            return httpx.Response(500, text="boom")
        body = by_path.get((service, request.url.path))
        if body is None:
            return httpx.Response(404, json={"detail": "not found"})
        return httpx.Response(200, json=body)

    return httpx.MockTransport(answer)


def _console(seen: list[httpx.Request]) -> httpx.AsyncClient:
    upstreams = {
        s: f"http://{s}" for s in ("intake", "routing", "inventory", "fulfillment", "notifications")
    }
    client = httpx.AsyncClient(transport=_services(seen))
    app = create_app(ConsoleSettings(upstreams=upstreams, actor="the-console"), client)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console")


async def test_the_timeline_is_fetched_from_every_service_and_names_what_failed() -> None:
    seen: list[httpx.Request] = []
    async with _console(seen) as console:
        response = await console.get("/api/timeline/o-1")
    assert response.status_code == 200, response.text
    found = response.json()
    services = {entry["service"] for entry in found["entries"]}
    assert services == {"intake", "fulfillment", "notifications"}
    assert found["unavailable"] == ["routing decisions: 500"]  # inventory's 404: nothing
    assert {request.url.host for request in seen} >= {"routing", "inventory"}
    # the order's own uploads, not the newest of every order's (an older order's were lost)
    uploads = next(r for r in seen if r.url.path == "/tracking-uploads")
    assert uploads.url.params["order_id"] == "o-1"


async def test_a_correlation_id_finds_its_order() -> None:
    seen: list[httpx.Request] = []
    async with _console(seen) as console:
        response = await console.get("/api/timeline/c-1")
    assert response.json()["order_id"] == "o-1"
    lookup = next(r for r in seen if r.url.path == "/orders")
    assert lookup.url.params["correlation_id"] == "c-1"


async def test_the_proxy_forwards_method_path_query_and_body_with_an_actor() -> None:
    seen: list[httpx.Request] = []
    async with _console(seen) as console:
        answer = await console.post(
            "/api/intake/orders/o-9/release?x=1", json={"note": "n"}, headers={"X-API-Key": "k"}
        )
        await console.post("/api/intake/orders/o-9/cancel", headers={"X-Actor": "mei"})
        unknown = await console.get("/api/warehouse/anything")
    assert answer.status_code == 404  # the service's own answer, passed on
    request = seen[0]
    assert (request.method, request.url.host, request.url.path) == (
        "POST",
        "intake",
        "/orders/o-9/release",
    )
    assert request.url.params["x"] == "1"
    assert json.loads(request.content) == {"note": "n"}
    assert request.headers["x-actor"] == "the-console"
    assert request.headers["x-api-key"] == "k"
    assert seen[1].headers["x-actor"] == "mei"
    assert unknown.status_code == 404 and "warehouse" in unknown.text
