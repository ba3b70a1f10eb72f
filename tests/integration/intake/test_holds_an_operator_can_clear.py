"""Every hold has an operator action that clears it: a Shopee line without a seller SKU is
mapped by its item and model id, an authorized (not captured) Shopify payment is waived with a
reason, and a Singapore address needs no city. Payloads are the channels' documented ones
(tests/unit/intake/fixtures) with only the fields that matter changed."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from orderflow_contracts.intake import OrderAccepted

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parents[2] / "unit" / "intake" / "fixtures"
OPS = {"X-Actor": "mei@seller.example"}
MAP_LAMP = {"components": [{"sku": "LAMP-DESK", "quantity": 1}]}


def documented(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((FIXTURES / name).read_text()))


def shopee_lamp_without_seller_sku() -> dict[str, Any]:
    """get_order_detail's item_list entry of an item without variations (model_id 0) whose
    seller left item_sku and model_sku empty, as Shopee returns them."""
    order = documented("shopee_get_order_detail.json")
    order["order_sn"] = "250619NOSKU01"
    lamp = order["item_list"][1]
    assert (lamp["item_id"], lamp["model_id"]) == (23145678955, 0)
    lamp["item_sku"] = ""
    order["item_list"] = [lamp]
    return order


async def taken(intake: Any, channel: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = await intake.post_webhook(channel, payload)
    assert response.status_code == 202, response.text
    return dict(response.json())


async def test_a_shopee_line_without_a_seller_sku_is_mapped_by_item_and_model_id(start_intake):
    intake = await start_intake()
    answer = await taken(intake, "shopee", shopee_lamp_without_seller_sku())
    order_id = answer["order_id"]
    assert answer["order_status"] == "held"
    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    [hold] = [h for h in detail["holds"] if h["resolved_at"] is None]
    assert hold["code"] == "unknown_sku"
    assert "item '23145678955:0' has no seller SKU" in hold["detail"]
    assert "PUT /listings/shopee/items/23145678955:0" in hold["detail"]

    blank = await intake.http.put("/listings/shopee/%20", json=MAP_LAMP, headers=OPS)
    assert blank.status_code == 422
    assert "/listings/{channel}/items/{channel_item_id}" in blank.text
    mapped = await intake.http.put(
        "/listings/shopee/items/23145678955:0", json=MAP_LAMP, headers=OPS
    )
    assert mapped.status_code == 200, mapped.text
    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)

    assert released.json() == {"order_id": order_id, "status": "accepted"}
    await intake.settled()
    accepted = (await intake.emitted(order_id))[-1]
    assert isinstance(accepted, OrderAccepted)
    assert [(line.sku, line.quantity) for line in accepted.order.lines] == [("LAMP-DESK", 1)]
    listed = (await intake.http.get("/listings/shopee/items")).json()
    assert listed == [{"channel": "shopee", "channel_item_id": "23145678955:0", **MAP_LAMP}]
    audit = await intake.db.fetch("SELECT subject, action, actor FROM audit ORDER BY audit_id")
    assert tuple(audit[0]) == (
        "listing:shopee:item:23145678955:0",
        "put",
        "mei@seller.example",
    )


async def test_an_item_mapping_is_checked_like_a_sku_mapping(start_intake):
    intake = await start_intake()
    url = "/listings/shopee/items/23145678955:0"
    unknown = await intake.http.put(url, json={"components": [{"sku": "MUG-GREEN"}]}, headers=OPS)
    anonymous = await intake.http.put(url, json=MAP_LAMP)
    assert unknown.status_code == 422 and "unknown master SKU MUG-GREEN" in unknown.text
    assert anonymous.status_code == 422
    assert (await intake.http.get("/listings/shopee/items")).json() == []


async def test_a_new_shopee_order_of_a_mapped_item_id_is_accepted_at_once(start_intake):
    intake = await start_intake()
    await intake.http.put("/listings/shopee/items/23145678955:0", json=MAP_LAMP, headers=OPS)
    answer = await taken(intake, "shopee", shopee_lamp_without_seller_sku())
    assert answer["order_status"] == "accepted"


def shopify_authorized() -> dict[str, Any]:
    """A Shopify order whose payment is only authorized: the shop captures manually."""
    order = documented("shopify_orders_create_eur.json")
    order["financial_status"] = "authorized"
    return order


async def test_an_authorized_shopify_payment_is_waived_with_a_reason(start_intake):
    intake = await start_intake()
    order_id = (await taken(intake, "shopify", shopify_authorized()))["order_id"]
    assert await intake.open_holds(order_id) == ["payment_not_captured"]
    url = f"/orders/{order_id}/waive"
    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)
    assert released.json()["status"] == "held"  # the payment is still not captured

    no_reason = await intake.http.post(url, json={"code": "payment_not_captured"}, headers=OPS)
    not_waivable = await intake.http.post(
        url, json={"code": "restricted_goods", "reason": "x"}, headers=OPS
    )
    not_held_for = await intake.http.post(
        url, json={"code": "incomplete_address", "reason": "x"}, headers=OPS
    )
    reason = "manual capture: captured when the order ships"
    waived = await intake.http.post(
        url, json={"code": "payment_not_captured", "reason": reason}, headers=OPS
    )
    again = await intake.http.post(
        url, json={"code": "payment_not_captured", "reason": reason}, headers=OPS
    )

    assert [no_reason.status_code, not_waivable.status_code] == [422, 422]
    assert not_held_for.status_code == 409
    assert waived.json() == {"order_id": order_id, "status": "accepted"}
    assert again.status_code == 409
    await intake.settled()
    assert isinstance((await intake.emitted(order_id))[-1], OrderAccepted)
    detail = (await intake.http.get(f"/orders/{order_id}")).json()
    assert detail["waived"] == ["payment_not_captured"]
    audit = (await intake.http.get(f"/orders/{order_id}/audit")).json()
    assert (audit[-1]["action"], audit[-1]["actor"], audit[-1]["detail"]) == (
        "waive",
        "mei@seller.example",
        {"code": "payment_not_captured", "reason": reason},
    )


def singapore(order: dict[str, Any], channel: str, postal_code: str) -> dict[str, Any]:
    """A Singapore address as the channels send it: street and unit, postal code, no city
    (Singapore is a city-state)."""
    if channel == "shopee":
        order["region"] = order["recipient_address"]["region"] = "SG"
        order["currency"] = "SGD"
        order["recipient_address"].update(
            city="",
            state="",
            district="",
            town="",
            zipcode=postal_code,
            full_address=f"10 Bayfront Avenue, #05-01, Singapore {postal_code}",
        )
    else:
        order["currency"] = "SGD"
        order["shipping_address"].update(
            address1="10 Bayfront Avenue",
            address2="#05-01",
            city="",
            province=None,
            province_code=None,
            zip=postal_code,
            country="Singapore",
            country_code="SG",
        )
    return order


@pytest.mark.parametrize(
    ("channel", "fixture"),
    [("shopee", "shopee_get_order_detail.json"), ("shopify", "shopify_orders_create_eur.json")],
)
async def test_a_singapore_address_needs_no_city_but_a_six_digit_postal_code(
    start_intake, channel, fixture
):
    intake = await start_intake()
    good = singapore(documented(fixture), channel, "018956")
    bad = singapore(documented(fixture), channel, "01895")
    key, buyer = ("order_sn", "buyer_user_id") if channel == "shopee" else ("id", "email")
    bad[key], bad[buyer] = f"{bad[key]}9", f"{bad[buyer]}9"  # another order, another buyer

    accepted = await taken(intake, channel, good)
    held = await taken(intake, channel, bad)

    assert accepted["order_status"] == "accepted"
    assert await intake.open_holds(held["order_id"]) == ["postal_code_format"]


async def test_totals_that_do_not_add_up_are_waived_with_a_reason(start_intake):
    """The seller centre shows what the buyer paid (a charge intake does not read): the operator
    waives the hold with a reason; a release alone holds it again, the figures being the same."""
    intake = await start_intake()
    order = documented("shopify_orders_create_eur.json")
    order["total_price"] = "95.72"  # 10.00 more than its parts: a charge intake does not read
    order_id = (await taken(intake, "shopify", order))["order_id"]
    assert await intake.open_holds(order_id) == ["totals_do_not_add_up"]
    url = f"/orders/{order_id}/waive"

    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)
    no_reason = await intake.http.post(url, json={"code": "totals_do_not_add_up"}, headers=OPS)
    reason = "seller centre: 10.00 EUR gift wrapping, paid by the buyer"
    waived = await intake.http.post(
        url, json={"code": "totals_do_not_add_up", "reason": reason}, headers=OPS
    )

    assert released.json()["status"] == "held"
    assert no_reason.status_code == 422
    assert waived.json() == {"order_id": order_id, "status": "accepted"}, waived.text
    await intake.settled()
    accepted = (await intake.emitted(order_id))[-1]
    assert isinstance(accepted, OrderAccepted)
    assert accepted.order.totals is not None and str(accepted.order.totals.total) == "95.72"
    audit = (await intake.http.get(f"/orders/{order_id}/audit")).json()
    assert (audit[-1]["action"], audit[-1]["detail"]) == (
        "waive",
        {"code": "totals_do_not_add_up", "reason": reason},
    )
    reparsed = await intake.http.post(f"/orders/{order_id}/reparse", headers=OPS)
    assert reparsed.json()["status"] == "accepted"  # waived for good for this order
