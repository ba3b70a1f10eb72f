"""An order with several unmapped SKUs names every one in its hold, so one round of mapping and
one release clear it; and a new product is added over the API, listed and screened without a
setup-file edit or a restart. Payloads: Shopify's documented orders/create body
(tests/unit/intake/fixtures) with its line items' SKUs changed."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from orderflow_contracts import Envelope, topics
from orderflow_contracts.intake import OrderAccepted, ProductDefined
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_intake.domain import order_id_for

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parents[2] / "unit" / "intake" / "fixtures"
OPS = {"X-Actor": "mei@seller.example"}
UNKNOWN = ("MUG-GREEN-350", "LAMP-FLOOR", "CABLE-LIGHTNING-1M")


def shopify_order(skus: tuple[str, ...], number: int = 1) -> dict[str, Any]:
    order = copy.deepcopy(json.loads((FIXTURES / "shopify_orders_create_eur.json").read_text()))
    order["id"] += number
    line = order["line_items"][0]
    order["line_items"] = [{**line, "id": line["id"] + n, "sku": sku} for n, sku in enumerate(skus)]
    return order


async def held_for_unknown_skus(intake: Any, how: str) -> str:
    order = shopify_order(("MUG-BLUE", *UNKNOWN))
    order_id = order_id_for("shopify", str(order["id"]))
    if how == "webhook":
        response = await intake.post_webhook("shopify", order)
        assert response.json()["order_status"] == "held", response.text
    else:
        await intake.publish(
            topics.MARKETPLACE_ORDERS,
            f"shopify:{order['id']}",
            MarketplaceOrderPublished(channel="shopify", payload=order),
        )
        await intake.status_of(order_id, "held")
    return order_id


@pytest.mark.parametrize("how", ["webhook", "topic"])
async def test_every_unmapped_sku_is_named_at_once_and_one_release_follows(start_intake, how):
    intake = await start_intake()
    order_id = await held_for_unknown_skus(intake, how)

    queue = (await intake.http.get("/exceptions")).json()["items"]
    [reason] = queue[0]["reasons"]
    assert reason["code"] == "unknown_sku"
    for sku in UNKNOWN:
        assert f"shopify SKU {sku!r} is not mapped" in reason["detail"]
    mapped = await intake.http.put(
        "/listings/shopify",
        json={
            "listings": [
                {"channel_sku": UNKNOWN[0], "components": [{"sku": "MUG-RED"}]},
                {"channel_sku": UNKNOWN[1], "components": [{"sku": "LAMP-DESK"}]},
                {"channel_sku": UNKNOWN[2], "components": [{"sku": "CABLE-USBC"}]},
            ]
        },
        headers=OPS,
    )
    assert mapped.status_code == 200, mapped.text
    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)

    assert released.json() == {"order_id": order_id, "status": "accepted"}
    await intake.settled()
    accepted = (await intake.emitted(order_id))[-1]
    assert isinstance(accepted, OrderAccepted)
    assert sorted(line.sku for line in accepted.order.lines) == [
        "CABLE-USBC",
        "LAMP-DESK",
        "MUG-BLUE",
        "MUG-RED",
    ]


async def test_several_listings_in_one_call_are_all_or_none(start_intake):
    intake = await start_intake()
    body = {
        "listings": [
            {"channel_sku": "NEW-ONE", "components": [{"sku": "MUG-RED"}]},
            {"channel_sku": "NEW-TWO", "components": [{"sku": "MUG-PURPLE"}]},
            {"channel_sku": "NEW-THREE", "components": [{"sku": "MUG-ORANGE"}]},
        ]
    }
    refused = await intake.http.put("/listings/shopify", json=body, headers=OPS)
    assert refused.status_code == 422
    assert "MUG-PURPLE" in refused.text and "MUG-ORANGE" in refused.text
    listed = (await intake.http.get("/listings", params={"channel": "shopify"})).json()
    assert "NEW-ONE" not in {listing["channel_sku"] for listing in listed}


GREEN_MUG = {
    "weight_grams": 460,
    "dimensions": {"length_mm": 120, "width_mm": 90, "height_mm": 100},
    "attributes": [],
    "tier": "new",
}


async def test_a_new_product_is_added_over_the_api_and_orders_of_it_are_accepted(start_intake):
    intake = await start_intake()
    unlisted = await intake.http.put(
        "/listings/shopify/MUG-GREEN-350",
        json={"components": [{"sku": "MUG-GREEN"}]},
        headers=OPS,
    )
    assert unlisted.status_code == 422 and "unknown master SKU MUG-GREEN" in unlisted.text

    added = await intake.http.put("/products/MUG-GREEN", json=GREEN_MUG, headers=OPS)
    listed = await intake.http.put(
        "/listings/shopify/MUG-GREEN-350",
        json={"components": [{"sku": "MUG-GREEN"}]},
        headers=OPS,
    )
    order = shopify_order(("MUG-GREEN-350",), number=7)
    taken = await intake.post_webhook("shopify", order)

    assert added.status_code == 200, added.text
    assert added.json() == {"sku": "MUG-GREEN", "source": "api", **GREEN_MUG,
                            "lead_time": {"average_days": 14.0, "longest_days": 21.0}}  # fmt: skip
    assert listed.status_code == 200, listed.text
    assert taken.json()["order_status"] == "accepted"
    products = (await intake.http.get("/products")).json()
    assert {p["sku"]: p["source"] for p in products}["MUG-GREEN"] == "api"
    assert {p["sku"]: p["source"] for p in products}["MUG-RED"] == "setup"
    audit = await intake.db.fetch(
        "SELECT action, actor, detail FROM audit WHERE subject = 'product:MUG-GREEN'"
    )
    assert [(row["action"], row["actor"]) for row in audit] == [("create", "mei@seller.example")]
    assert json.loads(audit[0]["detail"])["weight_grams"] == 460
    await intake.settled()
    rows = await intake.db.fetch(
        "SELECT key, value FROM outbox WHERE topic = $1", topics.CATALOG_PRODUCTS
    )
    assert [row["key"] for row in rows] == ["MUG-GREEN"]
    announced = Envelope.from_bytes(rows[0]["value"]).event()
    assert isinstance(announced, ProductDefined)
    assert (announced.product.weight_grams, announced.product.dimensions.height_mm) == (460, 100)


async def test_restricted_flags_hold_orders_until_the_product_is_corrected_not_on_release(
    start_intake,
):
    intake = await start_intake()
    vape = {"weight_grams": 80, "attributes": ["e_cigarette"]}
    assert (await intake.http.put("/products/VAPE-PEN", json=vape, headers=OPS)).is_success
    await intake.http.put(
        "/listings/shopify/VAPE-PEN", json={"components": [{"sku": "VAPE-PEN"}]}, headers=OPS
    )
    order = shopify_order(("VAPE-PEN",), number=8)
    order["currency"] = "SGD"
    order["shipping_address"].update(
        address1="10 Bayfront Avenue", city="", province_code=None, zip="018956", country_code="SG"
    )
    order_id = (await intake.post_webhook("shopify", order)).json()["order_id"]
    assert await intake.open_holds(order_id) == ["restricted_goods"]
    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)
    assert released.json()["status"] == "held"  # a release does not waive banned goods

    not_a_vape = {"weight_grams": 80, "attributes": []}  # the flag was a mistake
    assert (await intake.http.put("/products/VAPE-PEN", json=not_a_vape, headers=OPS)).is_success
    released = await intake.http.post(f"/orders/{order_id}/release", headers=OPS)
    assert released.json()["status"] == "accepted"
    audit = await intake.db.fetch("SELECT action FROM audit WHERE subject = 'product:VAPE-PEN'")
    assert [row["action"] for row in audit] == ["create", "change"]

    bad = await intake.http.put(
        "/products/X-1", json={"weight_grams": 1, "attributes": ["E-Cig"]}, headers=OPS
    )
    anonymous = await intake.http.put("/products/X-2", json={"weight_grams": 1})
    assert [bad.status_code, anonymous.status_code] == [422, 422]
    assert (await intake.http.get("/products/X-1")).status_code == 404
