"""One place to see every order: filters, detail, OpenAPI; and the KPIs computed from it."""

from datetime import UTC, datetime, timedelta

import pytest
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads

pytestmark = pytest.mark.integration

OPS = {"X-Actor": "mei@seller.example"}


async def _place(intake, channel: str, order: dict) -> str:
    external_id = str(order["id"] if channel == "shopify" else order["order"]["AmazonOrderId"])
    await intake.publish(
        topics.MARKETPLACE_ORDERS,
        topics.channel_order_key(channel, external_id),
        MarketplaceOrderPublished(channel=channel, payload=order),
    )
    return order_id_for(channel, external_id)


async def _four_orders(intake) -> dict[str, str]:
    placed = {
        "clean": await _place(
            intake, "shopify", payloads.shopify_order(60, [("MUG-RED", 1)], email="Ada@x.org")
        ),
        "unknown": await _place(
            intake, "shopify", payloads.shopify_order(61, [("MUG-GREEN", 1)], email="b@x.org")
        ),
        "no_street": await _place(
            intake,
            "shopify",
            payloads.shopify_order(
                62, [("LAMP-DESK", 1)], email="c@x.org", address_overrides={"address1": ""}
            ),
        ),
        "amazon": await _place(intake, "amazon", payloads.amazon_order(63, [("AMZ-LAMP", 1)])),
    }
    for name, status in [("clean", "accepted"), ("unknown", "held"), ("no_street", "held")]:
        await intake.status_of(placed[name], status)
    await intake.status_of(placed["amazon"], "accepted")
    return placed


async def test_orders_are_found_by_id_channel_order_email_status_and_date(start_intake):
    intake = await start_intake()
    placed = await _four_orders(intake)

    async def ids(**params) -> list[str]:
        response = await intake.http.get("/orders", params=params)
        assert response.status_code == 200, response.text
        return sorted(item["order_id"] for item in response.json()["items"])

    external = str(payloads.shopify_order(61, [])["id"])
    now = datetime.now(UTC)
    assert await ids() == sorted(placed.values())
    assert await ids(order_id=placed["clean"]) == [placed["clean"]]
    assert await ids(channel="shopify", external_id=external) == [placed["unknown"]]
    assert await ids(customer_email="ADA@x.org") == [placed["clean"]]
    assert await ids(status="held") == sorted([placed["unknown"], placed["no_street"]])
    assert await ids(channel="amazon") == [placed["amazon"]]
    clean = (await intake.http.get(f"/orders/{placed['clean']}")).json()
    assert await ids(correlation_id=clean["correlation_id"]) == [placed["clean"]]
    assert await ids(received_from=(now - timedelta(hours=1)).isoformat()) == sorted(
        placed.values()
    )
    assert await ids(received_to=(now - timedelta(hours=1)).isoformat()) == []
    page = (await intake.http.get("/orders", params={"limit": 3, "offset": 3})).json()
    assert (page["total"], len(page["items"]), page["offset"]) == (4, 1, 3)
    bad = await intake.http.get("/orders", params={"status": "lost"})
    assert bad.status_code == 422 and "status" in bad.text


async def test_one_order_shows_its_canonical_form_holds_and_timestamps(start_intake):
    intake = await start_intake()
    placed = await _four_orders(intake)
    detail = (await intake.http.get(f"/orders/{placed['unknown']}")).json()
    assert detail["status"] == "held"
    assert detail["open_holds"] == ["unknown_sku"]
    assert [hold["code"] for hold in detail["holds"]] == ["unknown_sku"]
    assert detail["order"]["customer"]["email"] == "b@x.org"
    assert detail["accepted_at"] is None
    clean = (await intake.http.get(f"/orders/{placed['clean']}")).json()
    assert clean["accepted_at"] and clean["order"]["lines"][0]["sku"] == "MUG-RED"
    missing = await intake.http.get("/orders/no-such-order")
    assert missing.status_code == 404 and "no-such-order" in missing.json()["detail"]


async def test_the_api_is_described_by_openapi(start_intake):
    intake = await start_intake()
    spec = (await intake.http.get("/openapi.json")).json()
    for path in [
        "/webhooks/shopify",
        "/webhooks/amazon",
        "/webhooks/shopee",
        "/webhooks/tiktok",
        "/webhooks/aliexpress",
        "/orders",
        "/orders/{order_id}",
        "/orders/{order_id}/release",
        "/orders/{order_id}/audit",
        "/exceptions",
        "/listings/{channel}/{channel_sku}",
        "/raw-payloads/{payload_id}/reparse",
        "/kpis",
    ]:
        assert path in spec["paths"], path
    schemas = spec["components"]["schemas"]
    assert {"OrderPage", "OrderDetail", "ExceptionPage", "Kpis", "WebhookAccepted"} <= set(schemas)
    assert "401" in spec["paths"]["/webhooks/shopify"]["post"]["responses"]


async def test_kpis_count_orders_per_channel_hour_exceptions_and_queue_time(start_intake):
    intake = await start_intake()
    placed = await _four_orders(intake)
    await intake.http.put(
        "/listings/shopify/MUG-GREEN", json={"components": [{"sku": "MUG-RED"}]}, headers=OPS
    )
    released = await intake.http.post(f"/orders/{placed['unknown']}/release", headers=OPS)
    assert released.json()["status"] == "accepted"

    kpis = (await intake.http.get("/kpis")).json()

    assert kpis["orders"] == 4
    per_channel = {}
    for row in kpis["orders_per_channel_per_hour"]:
        per_channel[row["channel"]] = per_channel.get(row["channel"], 0) + row["orders"]
    assert per_channel == {"shopify": 3, "amazon": 1}
    assert kpis["exception_rate"] == 0.5
    assert {r["reason"]: r["rate"] for r in kpis["exception_rate_by_reason"]} == {
        "incomplete_address": 0.25,
        "unknown_sku": 0.25,
    }
    queue = kpis["time_in_exception_queue"]
    assert queue["resolved"] == 1 and queue["median_seconds"] >= 0 and queue["p90_seconds"] >= 0
    assert kpis["open_holds"] == 1
    metrics = (await intake.http.get("/metrics")).text  # the same figures, for Prometheus
    assert 'orderflow_kpi{kpi="exception_rate"} 0.5' in metrics
    assert 'orderflow_kpi{kpi="exception_rate.unknown_sku"} 0.25' in metrics
    assert 'orderflow_kpi{kpi="open_holds"} 1.0' in metrics
    backwards = await intake.http.get("/kpis", params={"since": "2099-01-01T00:00:00Z"})
    assert backwards.status_code == 422 and "before" in backwards.text
    empty = (await intake.http.get("/kpis", params={"until": "2001-01-01T00:00:00Z"})).json()
    assert (empty["orders"], empty["exception_rate"]) == (0, 0.0)
