"""inventory's operator actions are audited with the authenticated actor, and the audit is
queryable over HTTP by SKU, location, channel, actor and action."""

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_contracts.warehouse import StockReceived
from orderflow_runtime.access import Role, add_operator
from orderflow_testing.system import TestSystem, eventually

from tests.integration.inventory.support import OPERATOR, api

pytestmark = pytest.mark.integration

MARS = {"location_id": "mars-1", "kind": "3pl", "country": "US"}


async def hold_two_receipts(system: TestSystem) -> None:
    """KETTLE (an unknown SKU) at us-ontario, MUG-RED at mars-1 (an unknown location)."""
    bus = await system.bus("warehouse")
    for sku, location in (("KETTLE", "us-ontario"), ("MUG-RED", "mars-1")):
        await bus.publish(
            topics.WAREHOUSE_STOCK, sku, StockReceived(sku=sku, location_id=location, quantity=5)
        )
    await bus.flush()
    inventory = await system.db("inventory")
    await eventually(lambda: inventory.fetchval("SELECT count(*) = 2 FROM held_stock_events"))


async def test_every_operator_action_is_audited_with_its_actor_and_subject(
    system: TestSystem, start
) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    await hold_two_receipts(system)
    async with api(service) as client:
        product = await client.put("/products/KETTLE", json={"sku": "KETTLE", "weight_grams": 9})
        location = await client.put("/locations/mars-1", json=MARS, headers={"X-Actor": "ana"})
        policy = {"channel": "amazon", "shortage": "partial", "buffer_units": 3}
        await client.put("/channels/amazon/policy", json=policy, headers={"X-Actor": "ana"})
        replay = await client.post("/held-events/replay", json={"ids": None})
        of_kettle = (await client.get("/audit", params={"sku": "KETTLE"})).json()
        at_mars = (await client.get("/audit", params={"location_id": "mars-1"})).json()
        of_amazon = (await client.get("/audit", params={"channel": "amazon"})).json()
        replays = (await client.get("/audit", params={"action": "held_events.replay"})).json()
        by_ana = (await client.get("/audit", params={"actor": "ana", "limit": 1})).json()
        paths = (await client.get("/openapi.json")).json()["paths"]

    assert (product.json()["replayed"], location.json()["replayed"]) == (1, 1)
    assert [(e["action"], e["actor"], e["location_id"]) for e in of_kettle] == [
        ("held_event.replayed", OPERATOR, "us-ontario"),  # newest first
        ("product.put", OPERATOR, None),
    ]
    assert of_kettle[1]["detail"]["product"]["weight_grams"] == 9
    assert of_kettle[0]["detail"]["because"] == "product KETTLE put"
    assert [(e["action"], e["actor"], e["sku"]) for e in at_mars] == [
        ("held_event.replayed", "ana", "MUG-RED"),
        ("location.put", "ana", None),
    ]
    assert [(e["action"], e["detail"]["policy"]["buffer_units"]) for e in of_amazon] == [
        ("channel_policy.put", 3)
    ]
    assert replay.json()["replayed"] == 0
    assert [(e["actor"], e["detail"]["replayed_held_events"]) for e in replays] == [(OPERATOR, [])]
    assert [e["action"] for e in by_ana] == ["channel_policy.put"]
    assert "/audit" in paths and "X-Actor" in str(paths["/held-events/replay"])


async def test_an_action_without_an_actor_changes_nothing(system: TestSystem, start) -> None:
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory")
    async with api(service) as client:
        del client.headers["X-Actor"]
        anonymous = await client.put("/locations/mars-1", json=MARS)
        audit = (await client.get("/audit")).json()
    inventory = await system.db("inventory")
    assert anonymous.status_code == 422 and "X-Actor" in anonymous.text
    assert audit == []
    assert (
        await inventory.fetchval("SELECT count(*) FROM locations WHERE location_id = 'mars-1'") == 0
    )


async def test_with_keys_the_audit_names_the_keys_operator_not_the_header(
    system: TestSystem, start, tmp_path
) -> None:
    keys_file = tmp_path / "keys.json"
    operator = add_operator(keys_file, "lin@seller", Role.OPERATE)
    admin = add_operator(keys_file, "boss@seller", Role.ADMIN)
    await system.create_topics(["us-ontario"])
    service = await start(system, "inventory", api_keys_file=keys_file)
    await hold_two_receipts(system)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://inventory"
    ) as client:
        refused = await client.put("/locations/mars-1", json=MARS, headers={"X-API-Key": operator})
        replayed = await client.post(
            "/held-events/replay", json={}, headers={"X-API-Key": operator, "X-Actor": "mallory"}
        )
        put = await client.put(
            "/products/KETTLE",
            json={"sku": "KETTLE", "weight_grams": 9},
            headers={"X-API-Key": admin, "X-Actor": "mallory"},
        )
        audit = (await client.get("/audit", headers={"X-API-Key": operator})).json()

    assert refused.status_code == 403  # reference data is an admin's
    assert (replayed.status_code, put.status_code) == (200, 200)
    assert [(e["action"], e["actor"]) for e in audit] == [
        ("held_event.replayed", "boss@seller"),
        ("product.put", "boss@seller"),
        ("held_events.replay", "lin@seller"),
    ]
