"""The SKU map: bundles from the seller setup, changes over the API, conflicts refused."""

from decimal import Decimal

import pytest
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_intake.catalog import ListingConflict
from orderflow_intake.domain import order_id_for
from orderflow_simulators import payloads

from tests.integration.intake.conftest import seller_file

pytestmark = pytest.mark.integration

OPS = {"X-Actor": "mei@seller.example"}
GIFT_SET = {
    "channel": "shopify",
    "channel_sku": "GIFT-SET",
    "components": [{"sku": "MUG-RED", "quantity": 2}, {"sku": "CABLE-USBC", "quantity": 1}],
}


async def test_a_bundle_listing_from_the_setup_orders_its_components(start_intake, tmp_path):
    setup = seller_file(tmp_path, listings=lambda listings: [*listings, GIFT_SET])
    intake = await start_intake(seller_setup_file=setup)
    order = payloads.shopify_order(50, [("GIFT-SET", 2)], price="30.00")
    await intake.publish(
        topics.MARKETPLACE_ORDERS,
        f"shopify:{order['id']}",
        MarketplaceOrderPublished(channel="shopify", payload=order),
    )
    order_id = order_id_for("shopify", str(order["id"]))
    await intake.status_of(order_id, "accepted")
    await intake.settled()
    accepted = (await intake.emitted(order_id))[0]
    assert isinstance(accepted, OrderAccepted)
    assert sorted((line.sku, line.quantity, line.unit_price) for line in accepted.order.lines) == [
        ("CABLE-USBC", 2, Decimal(10)),
        ("MUG-RED", 4, Decimal(10)),
    ]
    listed = (await intake.http.get("/listings", params={"channel": "shopify"})).json()
    assert {
        "channel": "shopify",
        "channel_sku": "GIFT-SET",
        "components": [
            {"sku": "CABLE-USBC", "quantity": 1},
            {"sku": "MUG-RED", "quantity": 2},
        ],
    } in listed


@pytest.mark.parametrize(
    "listing",
    [
        {"channel": "shopify", "channel_sku": "MUG-RED", "sku": "MUG-BLUE"},
        {"channel": "shopify", "channel_sku": "mug-red ", "sku": "MUG-RED"},
        {"channel": "shopify", "channel_sku": "MUG-GREEN", "sku": "MUG-GREEN"},
    ],
    ids=["duplicate", "ambiguous", "unknown-master-sku"],
)
async def test_a_setup_with_a_bad_mapping_is_refused_at_start(start_intake, tmp_path, listing):
    setup = seller_file(tmp_path, listings=lambda listings: [*listings, listing])
    with pytest.raises(ListingConflict, match=listing["channel_sku"].strip()):
        await start_intake(seller_setup_file=setup)


async def test_put_listing_maps_replaces_and_refuses_conflicts(start_intake):
    intake = await start_intake()
    url = "/listings/shopify/MUG-DUO"

    async def put(path: str, *components: tuple[str, int], headers=OPS):
        body = {"components": [{"sku": s, "quantity": q} for s, q in components]}
        return await intake.http.put(path, json=body, headers=headers)

    created = await put(url, ("MUG-RED", 1), ("MUG-BLUE", 1))
    replaced = await put(url, ("MUG-RED", 2))
    ambiguous = await put("/listings/shopify/mug-duo", ("MUG-RED", 1))
    repeated = await put("/listings/shopify/X", ("MUG-RED", 1), ("MUG-RED", 1))
    unknown = await put("/listings/shopify/Y", ("MUG-GREEN", 1))
    empty = await put("/listings/shopify/Z")
    anonymous = await put("/listings/shopify/W", ("MUG-RED", 1), headers={})

    assert [created.status_code, replaced.status_code] == [200, 200]
    assert ambiguous.status_code == 409 and "ambiguous with existing 'MUG-DUO'" in ambiguous.text
    assert repeated.status_code == 422 and "listed twice" in repeated.text
    assert unknown.status_code == 422 and "unknown master SKU MUG-GREEN" in unknown.text
    assert [empty.status_code, anonymous.status_code] == [422, 422]
    listed = (await intake.http.get("/listings", params={"channel": "shopify"})).json()
    duo = [item for item in listed if item["channel_sku"] == "MUG-DUO"]
    assert duo == [
        {
            "channel": "shopify",
            "channel_sku": "MUG-DUO",
            "components": [{"sku": "MUG-RED", "quantity": 2}],
        }
    ]
    audit = await intake.db.fetch("SELECT subject, actor FROM audit ORDER BY audit_id")
    assert [tuple(row) for row in audit] == [("listing:shopify:MUG-DUO", "mei@seller.example")] * 2
