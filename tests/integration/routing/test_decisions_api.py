"""An operator asks routing why an order ships from where it does, or why it could not."""

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_contracts.inventory import ReservationRejected, Shortage
from orderflow_testing.system import TestSystem, eventually

from tests.integration.routing.test_replica_at_start import publish_level
from tests.use_cases.conftest import accepted

pytestmark = pytest.mark.integration


async def test_each_attempt_is_explained_with_inventorys_answer(system: TestSystem, start) -> None:
    await system.create_topics([])
    inventory = await system.bus("inventory")
    await publish_level(inventory, "MUG-RED", "us-ontario", 1)
    service = await start(system, "routing")
    intake = await system.bus("intake")
    await intake.publish(topics.ORDERS, "o-1", accepted("o-1", ("MUG-RED", 1)))
    nowhere = accepted("o-2", ("MUG-RED", 1), country="BR")  # no carrier service to Brazil
    await intake.publish(topics.ORDERS, "o-2", nowhere)
    await intake.flush()
    routing = await system.db("routing")
    await eventually(lambda: routing.fetchval("SELECT count(*) = 2 FROM decisions"))
    # inventory had sold the unit meanwhile: it rejects the plan, and the re-plan goes to
    # Shenzhen, where the replica shows none but inventory has not said so
    shortage = Shortage(sku="MUG-RED", location_id="us-ontario", requested=1, available=0)
    await inventory.publish(
        topics.INVENTORY_RESERVATIONS,
        "o-1",
        ReservationRejected(order_id="o-1", attempt=1, shortages=(shortage,)),
    )
    await inventory.flush()
    await eventually(lambda: routing.fetchval("SELECT count(*) = 3 FROM decisions"))

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://routing"
    ) as client:
        order = (await client.get("/orders/o-1/decisions")).json()
        unroutable = (await client.get("/decisions", params={"outcome": "unroutable"})).json()
        from_ontario = (await client.get("/decisions", params={"location": "us-ontario"})).json()
        from_shenzhen = (await client.get("/decisions", params={"location": "cn-shenzhen"})).json()
        in_future = (
            await client.get("/decisions", params={"since": "2999-01-01T00:00:00Z"})
        ).json()
        unknown = await client.get("/orders/o-404/decisions")
        paths = (await client.get("/openapi.json")).json()["paths"]
        kpis = (await client.get("/kpis")).json()
        metrics = (await client.get("/metrics")).text

    assert (order["status"], order["attempt"]) == ("planned", 2)
    first, second = order["decisions"]
    assert first["outcome"] == "planned"
    assert [s["location_id"] for s in first["chosen"]] == ["us-ontario"]
    assert first["rejected_by_inventory"] == [shortage.model_dump()]
    assert (first["method"], first["reference_version"], first["total"]) == ("exact", 1, "5.90")
    [chosen] = [p for p in first["plans"] if p["verdict"] == "chosen"]
    assert chosen["cost"]["shipping"] == "5.90" and chosen["locations"] == ["us-ontario"]
    assert {c["location_id"] for c in first["candidates"]} == {
        "us-ontario",
        "de-3pl",
        "cn-shenzhen",
    }
    assert second["outcome"] == "planned"
    assert second["reason"].startswith("planned on an unconfirmed replica")
    assert second["unconfirmed_replica_says"].startswith("not enough stock")
    assert first["unconfirmed_replica_says"] == ""
    assert [(d["order_id"], d["attempt"]) for d in unroutable] == [("o-2", 1)]
    assert [(d["order_id"], d["attempt"]) for d in from_ontario] == [("o-1", 1)]
    assert [(d["order_id"], d["attempt"]) for d in from_shenzhen] == [("o-1", 2)]
    assert in_future == []
    assert unknown.status_code == 404
    assert "routing has not seen order o-404" in unknown.text
    assert {"/orders/{order_id}/decisions", "/decisions", "/kpis"} <= set(paths)
    assert (kpis["orders"], kpis["replans"], kpis["unroutable_share"]) == (2, 1, 0.5)
    assert 'orderflow_kpi{kpi="replans"} 1.0' in metrics
    assert 'orderflow_kpi{kpi="unroutable_share"} 0.5' in metrics
    assert 'orderflow_kpi{kpi="split_rate"} 0.0' in metrics
