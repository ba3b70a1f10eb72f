"""Channels that resend the whole order, buyers without e-mail, destinations and currencies that
cannot be right, and holds that reopen: each kept honest end to end."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAddressChanged
from orderflow_contracts.marketplace import (
    MarketplaceAddressChanged,
    MarketplaceOrderPublished,
    MarketplacePaymentChanged,
)
from orderflow_contracts.order import Address
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads

from tests.integration.intake.test_updates import _shipped

pytestmark = pytest.mark.integration

OPS = {"X-Actor": "mei@seller.example"}
UPDATED = {"X-Shopify-Topic": "orders/updated"}
AUSTIN = {
    "name": "Ada",
    "line1": "500 Congress Ave",
    "city": "Austin",
    "region": "TX",
    "postal_code": "78701",
    "country": "US",
}


async def _ship_to(intake, order_id: str) -> dict:
    return (await intake.http.get(f"/orders/{order_id}")).json()["order"]["ship_to"]


async def test_shopify_update_resending_the_old_address_keeps_the_operators_correction(
    start_intake,
) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(60, [("MUG-RED", 1)], address_overrides={"zip": "7870"})
    order_id = (await intake.post_webhook("shopify", order)).json()["order_id"]
    await intake.status_of(order_id, "held")
    edited = await intake.http.post(
        f"/orders/{order_id}/address", json={"ship_to": AUSTIN}, headers=OPS
    )
    assert edited.json()["status"] == "accepted", edited.text

    order["note"] = "gift wrap, please"  # an unrelated change: Shopify sends the whole order
    assert (await intake.post_webhook("shopify", order, headers=UPDATED)).status_code == 202
    without_address = {key: value for key, value in order.items() if key != "shipping_address"}
    assert (
        await intake.post_webhook("shopify", without_address, headers=UPDATED)
    ).status_code == 202

    await intake.settled()
    row = await intake.order_row(order_id)
    assert row["status"] == "accepted"
    assert await intake.open_holds(order_id) == []
    assert (await _ship_to(intake, order_id))["postal_code"] == "78701"
    assert not any(isinstance(e, OrderAddressChanged) for e in await intake.emitted(order_id))


async def test_shopify_update_with_a_new_address_still_changes_it(start_intake) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(61, [("MUG-RED", 1)])
    order_id = (await intake.post_webhook("shopify", order)).json()["order_id"]
    await intake.status_of(order_id, "accepted")
    order["shipping_address"] = {**order["shipping_address"], "address1": "501 Congress Ave"}
    answer = await intake.post_webhook("shopify", order, headers=UPDATED)
    assert answer.json()["order_status"] == "accepted"
    await intake.settled()
    events = await intake.emitted(order_id)
    assert isinstance(events[-1], OrderAddressChanged)
    assert events[-1].ship_to.line1 == "501 Congress Ave"


async def test_shopify_update_after_shipment_resending_the_old_address_is_no_exception(
    start_intake,
) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(62, [("MUG-RED", 1)], address_overrides={"zip": "7870"})
    order_id = (await intake.post_webhook("shopify", order)).json()["order_id"]
    await intake.status_of(order_id, "held")
    await intake.http.post(f"/orders/{order_id}/address", json={"ship_to": AUSTIN}, headers=OPS)
    await _shipped(intake, order_id)
    order["note"] = "shipped, thanks"
    await intake.post_webhook("shopify", order, headers=UPDATED)
    await intake.handled(1)  # the shipment's news, from fulfillment's topic
    assert (await intake.order_row(order_id))["status"] == "shipped"
    assert await intake.open_holds(order_id) == []


async def test_a_hold_that_reopens_keeps_its_earlier_wait_in_the_queue_kpi(start_intake) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(63, [("MUG-GREEN", 1)], email="63@x")
    order_id = (await intake.post_webhook("shopify", order)).json()["order_id"]
    await intake.status_of(order_id, "held")
    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)
    assert released.json()["status"] == "held"  # the SKU is still unmapped: held again

    kpis = (await intake.http.get("/kpis")).json()
    assert kpis["time_in_exception_queue"]["resolved"] == 1
    assert kpis["open_holds"] == 1
    holds = (await intake.http.get(f"/orders/{order_id}")).json()["holds"]
    assert [(h["code"], h["resolved_at"] is None) for h in holds] == [
        ("unknown_sku", False),
        ("unknown_sku", True),
    ]


async def test_shopee_buyer_ordering_the_same_items_twice_is_a_probable_duplicate(
    start_intake,
) -> None:
    intake = await start_intake()
    order_ids = []
    for number in (64, 65):
        order = payloads.shopee_order(number, [("SHP-MUG-RED", 1)])
        order["buyer_user_id"] = 395350931
        order_ids.append((await intake.post_webhook("shopee", order)).json()["order_id"])
    await intake.status_of(order_ids[0], "accepted")
    await intake.status_of(order_ids[1], "held")
    assert await intake.open_holds(order_ids[1]) == ["probable_duplicate"]


async def test_address_change_to_a_country_that_does_not_exist_holds_the_order(
    start_intake,
) -> None:
    intake = await start_intake()
    order = payloads.shopify_order(66, [("MUG-RED", 1)])
    external_id = str(order["id"])
    order_id = (await intake.post_webhook("shopify", order)).json()["order_id"]
    await intake.status_of(order_id, "accepted")
    nowhere = Address(**{**AUSTIN, "country": "XX"})
    change = MarketplaceAddressChanged(channel="shopify", external_id=external_id, ship_to=nowhere)
    await intake.publish(
        topics.MARKETPLACE_ORDERS, topics.channel_order_key("shopify", external_id), change
    )
    await intake.status_of(order_id, "held")
    assert await intake.open_holds(order_id) == ["unknown_country"]

    edited = await intake.http.post(
        f"/orders/{order_id}/address", json={"ship_to": {**AUSTIN, "country": "ZZ"}}, headers=OPS
    )
    assert edited.json()["status"] == "held"
    assert await intake.open_holds(order_id) == ["unknown_country"]


async def test_amazon_order_without_prices_stays_held_for_its_currency_after_payment(
    start_intake,
) -> None:
    intake = await start_intake()
    order = payloads.amazon_order(67, [("AMZ-MUG-RED", 1)])
    order["order"].update(OrderStatus="Pending", MarketplaceId=None)
    del order["order"]["OrderTotal"]
    del order["items"][0]["ItemPrice"]
    external_id = order["order"]["AmazonOrderId"]
    key = topics.channel_order_key("amazon", external_id)
    await intake.publish(
        topics.MARKETPLACE_ORDERS, key, MarketplaceOrderPublished(channel="amazon", payload=order)
    )
    order_id = order_id_for("amazon", external_id)
    await intake.status_of(order_id, "held")
    paid = MarketplacePaymentChanged(channel="amazon", external_id=external_id, captured=True)
    await intake.publish(topics.MARKETPLACE_ORDERS, key, paid)
    await intake.handled(2)
    assert await intake.open_holds(order_id) == ["unknown_currency"]
    assert (await intake.order_row(order_id))["status"] == "held"
