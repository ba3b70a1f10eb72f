"""intake on the real broker and PostgreSQL."""

import pytest
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderAccepted, OrderCancelled, OrderHeld
from orderflow_contracts.marketplace import MarketplaceOrderCancelled, MarketplaceOrderPublished
from orderflow_contracts.routing import OrderUnroutable
from orderflow_simulators import payloads
from orderflow_testing.system import TestSystem, eventually

pytestmark = pytest.mark.integration


def _published(order: dict) -> tuple[str, MarketplaceOrderPublished]:
    return f"shopify:{order['id']}", MarketplaceOrderPublished(channel="shopify", payload=order)


async def _running_intake(system: TestSystem, start) -> None:
    await system.create_topics([])
    await start(system, "intake")


async def test_second_delivery_of_the_same_event_has_no_effect(system: TestSystem, start) -> None:
    await _running_intake(system, start)
    bus = await system.bus()
    key, event = _published(payloads.shopify_order(1, [("MUG-RED", 1)]))
    envelope = await bus.publish(topics.MARKETPLACE_ORDERS, key, event)
    await bus.publish_raw(topics.MARKETPLACE_ORDERS, key, envelope.to_bytes())
    key2, event2 = _published(
        payloads.shopify_order(2, [("MUG-RED", 1)], email="someone-else@example.com")
    )
    await bus.publish(topics.MARKETPLACE_ORDERS, key2, event2)
    await bus.flush()
    accepted = await system.read(topics.ORDERS, until=lambda seen: len(seen) >= 2)
    intake = await system.db("intake")
    assert await intake.fetchval("SELECT count(*) FROM orders") == 2
    assert len([m for m in accepted if isinstance(m.event, OrderAccepted)]) == 2


async def test_marketplace_resending_an_order_yields_one_canonical_order(
    system: TestSystem, start
) -> None:
    await _running_intake(system, start)
    bus = await system.bus()
    order = payloads.shopify_order(7, [("MUG-RED", 1)])
    for _ in range(3):  # three envelopes, three event ids, one marketplace order
        await bus.publish(topics.MARKETPLACE_ORDERS, *_published(order))
    await bus.publish(
        topics.MARKETPLACE_ORDERS, *_published(payloads.shopify_order(8, [("MUG-RED", 1)]))
    )
    await bus.flush()
    await system.read(topics.ORDERS, until=lambda seen: len(seen) >= 2)
    intake = await system.db("intake")
    rows = await intake.fetch("SELECT external_id FROM orders ORDER BY external_id")
    assert [row["external_id"] for row in rows] == [str(order["id"]), str(order["id"] + 1)]


async def test_bytes_that_are_not_an_envelope_are_dead_lettered_and_the_partition_flows_on(
    system: TestSystem, start
) -> None:
    await _running_intake(system, start)
    bus = await system.bus()
    key = "shopify:same-partition"
    await bus.publish_raw(topics.MARKETPLACE_ORDERS, key, b"{not an envelope")
    broken = payloads.shopify_order(3, [("MUG-RED", 1)])
    del broken["line_items"]
    await bus.publish(
        topics.MARKETPLACE_ORDERS, key, MarketplaceOrderPublished(channel="shopify", payload=broken)
    )
    await bus.publish(
        topics.MARKETPLACE_ORDERS, key, _published(payloads.shopify_order(4, [("MUG-RED", 1)]))[1]
    )
    await bus.flush()

    dead = await system.read(
        topics.dead_letters(topics.MARKETPLACE_ORDERS), until=lambda seen: len(seen) >= 1
    )
    assert "not an envelope" in dead[0].header("dlq.error")
    assert dead[0].header("dlq.source.topic") == topics.MARKETPLACE_ORDERS
    assert dead[0].header("dlq.source.offset") == "0"
    orders = await system.read(topics.ORDERS, until=lambda seen: len(seen) >= 1)
    assert isinstance(orders[0].event, OrderAccepted)
    assert orders[0].event.order.external_id == str(payloads.shopify_order(4, [])["id"])
    # A channel payload no adapter can read is an envelope: it is kept, not dead-lettered
    # (tests/integration/intake/test_unparsable_topic_payloads.py).
    intake = await system.db("intake")
    kept = await intake.fetchrow("SELECT status, source, error FROM raw_payloads")
    assert (kept["status"], kept["source"]) == ("rejected", "topic")
    assert "line_items" in kept["error"]


async def test_orders_with_unknown_skus_or_incomplete_addresses_are_held_with_reasons(
    system: TestSystem, start
) -> None:
    await _running_intake(system, start)
    bus = await system.bus()
    await bus.publish(
        topics.MARKETPLACE_ORDERS, *_published(payloads.shopify_order(5, [("NOT-LISTED", 1)]))
    )
    no_address = payloads.shopify_order(
        6, [("MUG-RED", 1)], address_overrides={"address1": "", "zip": None}
    )
    await bus.publish(topics.MARKETPLACE_ORDERS, *_published(no_address))
    await bus.flush()
    held = await system.read(topics.ORDERS, until=lambda seen: len(seen) >= 2)
    reasons = {
        m.event.external_id: [r.code for r in m.event.reasons]
        for m in held
        if isinstance(m.event, OrderHeld)
    }
    assert reasons == {
        str(payloads.shopify_order(5, [])["id"]): ["unknown_sku"],
        str(no_address["id"]): ["incomplete_address"],
    }
    intake = await system.db("intake")
    open_holds = await eventually(
        lambda: intake.fetch("SELECT code FROM holds WHERE resolved_at IS NULL ORDER BY code")
    )
    assert [row["code"] for row in open_holds] == ["incomplete_address", "unknown_sku"]


async def test_marketplace_cancellation_cancels_the_order_and_tells_everyone(
    system: TestSystem, start
) -> None:
    await _running_intake(system, start)
    bus = await system.bus()
    order = payloads.shopify_order(9, [("MUG-RED", 1)])
    key, event = _published(order)
    await bus.publish(topics.MARKETPLACE_ORDERS, key, event)
    await bus.publish(
        topics.MARKETPLACE_ORDERS,
        key,
        MarketplaceOrderCancelled(
            channel="shopify", external_id=str(order["id"]), reason="customer"
        ),
    )
    await bus.flush()
    events = await system.read(topics.ORDERS, until=lambda seen: len(seen) >= 2)
    assert isinstance(events[1].event, OrderCancelled)
    assert events[1].event.order_id == events[0].event.order.order_id
    intake = await system.db("intake")
    assert await intake.fetchval("SELECT status FROM orders") == "cancelled"


async def test_a_cancelled_order_stays_cancelled_when_routing_gives_up_on_it(
    system: TestSystem, start
) -> None:
    await _running_intake(system, start)
    bus = await system.bus()
    order = payloads.shopify_order(10, [("MUG-RED", 1)])
    key, event = _published(order)
    await bus.publish(topics.MARKETPLACE_ORDERS, key, event)
    cancellation = MarketplaceOrderCancelled(channel="shopify", external_id=str(order["id"]))
    await bus.publish(topics.MARKETPLACE_ORDERS, key, cancellation)
    await bus.flush()
    events = await system.read(topics.ORDERS, until=lambda seen: len(seen) >= 2)
    order_id = events[0].event.order.order_id
    await bus.publish(
        topics.ROUTING_UNROUTABLE,
        order_id,
        OrderUnroutable(order_id=order_id, attempt=1, reason="x"),
    )
    await bus.publish(
        topics.MARKETPLACE_ORDERS, *_published(payloads.shopify_order(11, [("MUG-RED", 1)]))
    )
    await bus.flush()
    await system.read(topics.ORDERS, until=lambda seen: len(seen) >= 3)
    intake = await system.db("intake")
    await eventually(lambda: intake.fetchval("SELECT count(*) = 2 FROM orders"))
    assert (
        await intake.fetchval("SELECT status FROM orders WHERE order_id = $1", order_id)
        == "cancelled"
    )
    assert await intake.fetchval("SELECT count(*) FROM holds") == 0
