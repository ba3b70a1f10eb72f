"""The exception queue API: list and filter held orders; release, correct or cancel them, each
action audited with who and when."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted, OrderCancelled
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.routing import OrderUnroutable
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


async def _held_for_unknown_sku(intake, number: int = 40) -> str:
    order_id = await _place(
        intake, "shopify", payloads.shopify_order(number, [("MUG-GREEN", 1)], email=f"{number}@x")
    )
    await intake.status_of(order_id, "held")
    return order_id


async def _held_unroutable(intake, number: int, reason: str = "x") -> str:
    """An accepted order routing gave up on."""
    order_id = await _place(intake, "shopify", payloads.shopify_order(number, [("MUG-RED", 1)]))
    await intake.status_of(order_id, "accepted")
    await intake.publish(
        topics.ROUTING_UNROUTABLE,
        order_id,
        OrderUnroutable(order_id=order_id, attempt=1, reason=reason),
    )
    await intake.status_of(order_id, "held")
    return order_id


async def test_held_orders_are_listed_and_filtered_by_reason_channel_and_age(start_intake):
    intake = await start_intake()
    unknown = await _held_for_unknown_sku(intake, 40)
    no_street = await _place(
        intake,
        "shopify",
        payloads.shopify_order(41, [("MUG-RED", 1)], address_overrides={"address1": ""}),
    )
    amazon = await _place(intake, "amazon", payloads.amazon_order(42, [("AMZ-NOPE", 1)]))
    accepted = await _place(intake, "shopify", payloads.shopify_order(43, [("LAMP-DESK", 1)]))
    for order_id in (no_street, amazon):
        await intake.status_of(order_id, "held")
    await intake.status_of(accepted, "accepted")

    async def ids(**params) -> list[str]:
        response = await intake.http.get("/exceptions", params=params)
        assert response.status_code == 200, response.text
        return sorted(item["order_id"] for item in response.json()["items"])

    assert await ids() == sorted([unknown, no_street, amazon])
    assert await ids(reason="unknown_sku") == sorted([unknown, amazon])
    assert await ids(channel="amazon") == [amazon]
    assert await ids(channel="shopify", reason="incomplete_address") == [no_street]
    assert await ids(min_age_minutes=60) == []
    assert await ids(max_age_minutes=60) == sorted([unknown, no_street, amazon])
    page = (await intake.http.get("/exceptions", params={"limit": 1})).json()
    assert (page["total"], len(page["items"])) == (3, 1)
    assert page["items"][0]["reasons"][0]["code"] in {"unknown_sku", "incomplete_address"}


async def test_release_after_the_mapping_is_added_rescreens_and_routes_the_order(start_intake):
    intake = await start_intake()
    order_id = await _held_for_unknown_sku(intake)
    put = await intake.http.put(
        "/listings/shopify/MUG-GREEN",
        json={"components": [{"sku": "MUG-RED", "quantity": 1}]},
        headers=OPS,
    )
    assert put.status_code == 200, put.text

    released = await intake.http.post(
        f"/orders/{order_id}/release", json={"note": "mapped"}, headers=OPS
    )

    assert released.json() == {"order_id": order_id, "status": "accepted"}
    await intake.settled()
    events = await intake.emitted(order_id)
    assert [type(e).__name__ for e in events] == ["OrderHeld", "OrderAccepted"]
    assert [(line.sku, line.quantity) for line in events[1].order.lines] == [("MUG-RED", 1)]
    audit = (await intake.http.get(f"/orders/{order_id}/audit")).json()
    assert [(a["action"], a["actor"], a["detail"]["holds"]) for a in audit] == [
        ("release", "mei@seller.example", ["unknown_sku"])
    ]
    assert audit[0]["at"]


async def test_release_without_a_fix_holds_the_order_again(start_intake):
    intake = await start_intake()
    order_id = await _held_for_unknown_sku(intake)
    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)
    assert released.json()["status"] == "held"
    assert await intake.open_holds(order_id) == ["unknown_sku"]
    await intake.settled()
    assert not any(isinstance(e, OrderAccepted) for e in await intake.emitted(order_id))


async def test_a_released_probable_duplicate_stays_released(start_intake):
    intake = await start_intake()
    first = await _place(intake, "shopify", payloads.shopify_order(44, [("MUG-RED", 1)]))
    await intake.status_of(first, "accepted")
    second = await _place(intake, "shopify", payloads.shopify_order(45, [("MUG-RED", 1)]))
    await intake.status_of(second, "held")
    released = await intake.http.post(f"/orders/{second}/release", headers=OPS)
    assert released.json()["status"] == "accepted"
    detail = (await intake.http.get(f"/orders/{second}")).json()
    assert detail["waived"] == ["probable_duplicate"]


async def test_correcting_the_address_rescreens_and_accepts_the_order(start_intake):
    intake = await start_intake()
    order_id = await _place(
        intake,
        "shopify",
        payloads.shopify_order(46, [("MUG-RED", 1)], address_overrides={"zip": "7870"}),
    )
    await intake.status_of(order_id, "held")
    fixed = {"name": "Ada", "line1": "500 Congress Ave", "city": "Austin", "region": "TX"}
    edited = await intake.http.post(
        f"/orders/{order_id}/address",
        json={"ship_to": {**fixed, "postal_code": "78701", "country": "US"}},
        headers=OPS,
    )
    assert edited.json() == {"order_id": order_id, "status": "accepted"}, edited.text
    await intake.settled()
    accepted = (await intake.emitted(order_id))[-1]
    assert isinstance(accepted, OrderAccepted)
    assert accepted.order.ship_to.postal_code == "78701"
    audit = (await intake.http.get(f"/orders/{order_id}/audit")).json()
    assert [(a["action"], a["actor"]) for a in audit] == [("edit_address", "mei@seller.example")]


async def test_cancelling_from_the_queue_tells_everyone_with_the_reason(start_intake):
    intake = await start_intake()
    order_id = await _held_for_unknown_sku(intake)
    cancelled = await intake.http.post(
        f"/orders/{order_id}/cancel", json={"reason": "buyer asked"}, headers=OPS
    )
    assert cancelled.json()["status"] == "cancelled"
    await intake.settled()
    last = (await intake.emitted(order_id))[-1]
    assert isinstance(last, OrderCancelled) and last.reason == "buyer asked"
    assert await intake.open_holds(order_id) == []
    queue = (await intake.http.get("/exceptions")).json()
    assert queue["total"] == 0


async def test_releasing_an_unroutable_order_sends_it_to_routing_again(start_intake):
    intake = await start_intake()
    order_id = await _held_unroutable(intake, 47, reason="not enough stock")
    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)
    assert released.json()["status"] == "accepted"
    await intake.settled()
    kinds = [type(e).__name__ for e in await intake.emitted(order_id)]
    assert kinds == ["OrderAccepted", "OrderAccepted"]


async def test_actions_need_an_actor_a_known_order_and_a_fitting_state(start_intake):
    intake = await start_intake()
    order_id = await _place(intake, "shopify", payloads.shopify_order(48, [("MUG-RED", 1)]))
    await intake.status_of(order_id, "accepted")
    anonymous = await intake.http.post(f"/orders/{order_id}/release")
    unknown = await intake.http.post("/orders/nope/release", headers=OPS)
    not_held = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)
    no_reason = await intake.http.post(f"/orders/{order_id}/cancel", json={}, headers=OPS)
    assert anonymous.status_code == 422 and "X-Actor" in anonymous.text
    assert unknown.status_code == 404
    assert not_held.status_code == 409 and "accepted, not held" in not_held.json()["detail"]
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    assert (await intake.http.get(f"/orders/{order_id}/audit")).json() == []


async def test_reparse_rebuilds_a_held_order_from_its_stored_payload(start_intake):
    intake = await start_intake()
    order_id = await _held_for_unknown_sku(intake)
    await intake.http.put(
        "/listings/shopify/MUG-GREEN", json={"components": [{"sku": "MUG-BLUE"}]}, headers=OPS
    )
    reparsed = await intake.http.post(f"/orders/{order_id}/reparse", headers=OPS)
    assert reparsed.json() == {"order_id": order_id, "status": "accepted"}
    await intake.settled()
    accepted = (await intake.emitted(order_id))[-1]
    assert isinstance(accepted, OrderAccepted)
    assert [line.sku for line in accepted.order.lines] == ["MUG-BLUE"]
    again = await intake.http.post(f"/orders/{order_id}/reparse", headers=OPS)
    assert again.json() == {"order_id": order_id, "status": "accepted"}  # nothing new to apply
    await intake.settled()
    assert (await intake.emitted(order_id))[-1] == accepted
    audit = (await intake.http.get(f"/orders/{order_id}/audit")).json()
    assert [(a["action"], a["detail"]) for a in audit] == [
        ("reparse", {"was": "held"}),
        ("reparse", {"was": "accepted"}),
    ]


async def test_reparse_keeps_the_holds_an_operator_must_decide_on(start_intake):
    intake = await start_intake()
    order_id = await _held_unroutable(intake, 49)
    reparsed = await intake.http.post(f"/orders/{order_id}/reparse", headers=OPS)
    assert reparsed.json()["status"] == "held"
    assert await intake.open_holds(order_id) == ["unroutable"]


async def test_an_unroutable_order_is_released_with_the_lines_its_payload_reads_now(start_intake):
    # Routing plans a released unroutable order again from this OrderAccepted: it must carry the
    # lines today's listings give, not those routing gave up on.
    intake = await start_intake()
    order_id = await _held_unroutable(intake, 50)
    await intake.http.put(
        "/listings/shopify/MUG-RED", json={"components": [{"sku": "MUG-BLUE"}]}, headers=OPS
    )
    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)
    assert released.json()["status"] == "accepted"
    await intake.settled()
    accepted = (await intake.emitted(order_id))[-1]
    assert isinstance(accepted, OrderAccepted)
    assert [line.sku for line in accepted.order.lines] == ["MUG-BLUE"]
