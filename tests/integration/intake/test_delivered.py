"""An operator lists delivered orders (GET /orders?status=delivered): intake counts an order
delivered once every parcel of it on its way is; a split order with one parcel delivered and
one still out stays shipped."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.marketplace import MarketplaceOrderCancelled

from tests.integration.intake.test_after_pick_task import _news
from tests.integration.intake.test_updates import _key, _order, _place, _shipped

pytestmark = pytest.mark.integration

S = ShipmentStatus


async def _listed(intake, status: str) -> list[str]:
    answer = await intake.http.get("/orders", params={"status": status})
    assert answer.status_code == 200, answer.text
    return [order["order_id"] for order in answer.json()["items"]]


async def test_a_split_order_is_delivered_once_every_parcel_on_its_way_is(start_intake) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(41)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        *(_news(order_id, n, S.PICK_REQUESTED) for n in (1, 2, 3)),
        _news(order_id, 3, S.REJECTED, "no stock"),  # re-planned as another shipment
        *(_news(order_id, n, S.SHIPPED) for n in (1, 2)),
        _news(order_id, 1, S.DELIVERED),
    )
    await intake.handled(8)

    assert (await intake.http.get(f"/orders/{order_id}")).json()["status"] == "shipped"
    assert order_id not in await _listed(intake, "delivered")

    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        _news(order_id, 2, S.DELIVERED),
        _news(order_id, 2, S.RETURN_REQUESTED, "too small"),  # still delivered
    )
    await intake.handled(10)

    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    assert detail["status"] == "delivered"
    assert detail["delivered_at"] is not None
    assert await _listed(intake, "delivered") == [order_id]
    assert order_id not in await _listed(intake, "shipped")


async def test_an_order_held_when_its_parcel_is_delivered_is_delivered_once_released(
    start_intake,
) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(42)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    await _shipped(intake, order_id)
    cancel = MarketplaceOrderCancelled(channel="shopify", external_id=external_id, reason="late")
    await intake.publish(topics.MARKETPLACE_ORDERS, _key(external_id), cancel)
    await intake.status_of(order_id, "held")  # cancel_after_shipment: an operator's call

    await intake.publish(topics.FULFILLMENT_STATUS, order_id, _news(order_id, 1, S.DELIVERED))
    await intake.handled(4)
    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    assert (detail["status"], detail["delivered_at"] is not None) == ("held", True)

    released = await intake.http.post(
        f"/orders/{order_id}/release", headers={"X-Actor": "mei@seller.example"}
    )
    assert released.json()["status"] == "delivered"
    assert await _listed(intake, "delivered") == [order_id]


async def test_a_delivered_order_with_a_parcel_re_planned_is_shipped_until_it_arrives(
    start_intake,
) -> None:
    intake = await start_intake()
    external_id, order_id, order = _order(43)
    await _place(intake, order, external_id)
    await intake.status_of(order_id, "accepted")
    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        *(_news(order_id, n, S.PICK_REQUESTED) for n in (1, 2)),
        _news(order_id, 1, S.SHIPPED),
        _news(order_id, 2, S.REJECTED, "picked short"),
        _news(order_id, 1, S.DELIVERED),
    )
    await intake.handled(6)
    assert (await intake.http.get(f"/orders/{order_id}")).json()["status"] == "delivered"

    # routing re-planned the short lines: a new shipment of the order, still to come
    await intake.publish(topics.FULFILLMENT_STATUS, order_id, _news(order_id, 3, S.PICK_REQUESTED))
    await intake.handled(7)
    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    assert (detail["status"], detail["delivered_at"]) == ("shipped", None)
    assert order_id in await _listed(intake, "shipped")
    assert order_id not in await _listed(intake, "delivered")

    await intake.publish(
        topics.FULFILLMENT_STATUS,
        order_id,
        _news(order_id, 3, S.SHIPPED),
        _news(order_id, 3, S.DELIVERED),
    )
    await intake.handled(9)
    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    assert (detail["status"], detail["delivered_at"] is not None) == ("delivered", True)
