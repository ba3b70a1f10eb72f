"""All five services: a buyer's order travels to the doorstep without their name, e-mail, phone
or street in any log line, and an erasure asked at intake leaves them in no service's tables
(only in the outboxes' sent rows, which the relay deletes after their retention)."""

import asyncio

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.warehouse import StockReceived
from orderflow_simulators import payloads
from orderflow_simulators.partners import Carrier, Warehouse
from orderflow_testing.system import TestSystem, eventually

from tests.conftest import SERVICES, seller_setup

pytestmark = pytest.mark.e2e

EMAIL = "zed.quill@privacy.example"
PII = (EMAIL, "Quill", "Nightingale", "555 0199")


def _buyers_order() -> dict:
    return payloads.shopify_order(
        7,
        [("MUG-RED", 1)],
        email=EMAIL,
        address_overrides={
            "first_name": "Zed",
            "last_name": "Quill",
            "address1": "77 Nightingale Lane",
            "phone": "+1 555 0199 777",
        },
    )


async def _delivered(system: TestSystem, smtp) -> str:
    partners = await system.bus("partners")
    await partners.publish(
        topics.WAREHOUSE_STOCK,
        "MUG-RED",
        StockReceived(sku="MUG-RED", location_id="us-ontario", quantity=5),
    )
    routing = await system.db("routing")
    await eventually(lambda: routing.fetchval("SELECT count(*) = 1 FROM stock_replica"))
    order = _buyers_order()
    await partners.publish(
        topics.MARKETPLACE_ORDERS,
        f"shopify:{order['id']}",
        MarketplaceOrderPublished(channel="shopify", payload=order),
    )
    await partners.flush()
    setup = seller_setup()
    warehouse = Warehouse(await system.bus("warehouse"), setup)
    carrier = Carrier(await system.bus("carrier"))
    running = [asyncio.create_task(warehouse.run()), asyncio.create_task(carrier.run())]
    intake = await system.db("intake")
    try:
        order_id = await eventually(lambda: intake.fetchval("SELECT order_id FROM orders"))
        await eventually(lambda: _sent(smtp, order_id, 2))
    finally:
        for task in running:
            task.cancel()
    return order_id


async def _sent(smtp, order_id: str, count: int) -> bool:
    return len(smtp.to(order_id)) >= count


async def _tables_holding_pii(system: TestSystem) -> dict[str, list[str]]:
    """Per service, the columns with a value that holds one of the buyer's (raw bodies read as
    text too), the outbox and inbox aside."""
    patterns = [f"%{value.lower()}%" for value in PII]
    found: dict[str, list[str]] = {}
    for name in SERVICES:
        db = await system.db(name)
        columns = await db.fetch(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name NOT IN ('outbox', 'inbox')"
            " ORDER BY 1, 2"
        )
        for table, column, data_type in columns:
            text = (
                f"encode(\"{column}\", 'escape')" if data_type == "bytea" else f'"{column}"::text'
            )
            query = f'SELECT count(*) FROM "{table}" WHERE lower({text}) LIKE ANY($1::text[])'
            if await db.fetchval(query, patterns):
                found.setdefault(name, []).append(f"{table}.{column}")
    return found


async def test_no_log_line_names_the_buyer_and_an_erasure_leaves_them_in_no_table(
    system: TestSystem, start, smtp, capfd
) -> None:
    await system.create_topics([loc.location_id for loc in seller_setup().locations])
    services = {}
    for name in SERVICES:
        overrides = {"smtp_port": smtp.port} if name == "notifications" else {}
        services[name] = await start(system, name, **overrides)
    order_id = await _delivered(system, smtp)
    assert await _tables_holding_pii(system) == {
        "intake": [
            "orders.canonical",
            "orders.customer_email",
            "orders.customer_key",
            "orders.raw_payload",
        ],
        "routing": ["orders.accepted"],
        "inventory": ["reservations.plan"],
        "notifications": ["contacts.email", "notifications.recipient"],
    }

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=services["intake"].api), base_url="http://intake"
    ) as intake:
        asked = await intake.post(
            "/privacy/erasures", json={"email": EMAIL.upper()}, headers={"X-Actor": "dpo"}
        )
        assert asked.status_code == 202, asked.text

        async def complete() -> dict | None:
            status = (await intake.get(asked.json()["status_url"])).json()
            return status if status["complete"] else None

        status = await eventually(complete, timeout_s=60)

    counts = {s["service"]: s["counts"] for s in status["services"]}
    assert counts["routing"] == {"orders": 1} and counts["inventory"] == {"reservations": 1}
    assert counts["notifications"]["contacts"] == 1 and counts["intake"]["orders"] == 1
    assert await _tables_holding_pii(system) == {}
    intake_db = await system.db("intake")
    assert await intake_db.fetchval("SELECT status FROM orders WHERE order_id = $1", order_id) in (
        "shipped",
        "delivered",
        "accepted",
    )
    logged = "".join(capfd.readouterr())
    assert order_id in logged  # the logs were captured
    assert [value for value in PII if value.lower() in logged.lower()] == []
