"""The shared runtime on the real broker and PostgreSQL: retries, dead letters, the relay."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import httpx
import pytest
from orderflow_contracts import Envelope, topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.warehouse import StockReceived
from orderflow_runtime import ServiceSettings, ServiceSpec, Subscriptions, UnitOfWork, inbox, outbox
from orderflow_testing.system import TestSystem, eventually

pytestmark = pytest.mark.integration

T = TypeVar("T")


class EchoSettings(ServiceSettings):
    pass


def echo_service(fail_times: dict[str, int]) -> ServiceSpec:
    """Echoes each StockReceived to inventory.alerts; fails `fail_times[sku]` times first."""
    subscriptions = Subscriptions()

    @subscriptions.on(topics.WAREHOUSE_STOCK, StockReceived)
    async def echo(uow: UnitOfWork, event: StockReceived) -> None:
        if fail_times.get(event.sku, 0) > 0:
            fail_times[event.sku] -= 1
            raise RuntimeError(f"flaky handler for {event.sku}")
        uow.emit(topics.INVENTORY_ALERTS, event.sku, event)

    return ServiceSpec(
        name="echo", migrations_package="orderflow_runtime", subscriptions=subscriptions
    )


def received(sku: str) -> StockReceived:
    return StockReceived(sku=sku, location_id="us-ontario", quantity=1)


async def test_a_failing_handler_is_retried_then_dead_lettered_without_blocking(
    system: TestSystem,
) -> None:
    await system.create_topics([])
    fail_times = {"FLAKY": 2, "BROKEN": 99}
    await system.start("echo", lambda _: echo_service(fail_times), EchoSettings)
    bus = await system.bus()
    for sku in ("FLAKY", "BROKEN", "FINE"):
        await bus.publish(topics.WAREHOUSE_STOCK, "same-key", received(sku))
    await bus.flush()

    echoed = await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 2)
    assert [m.event.sku for m in echoed] == ["FLAKY", "FINE"]
    dead = await system.read(
        topics.dead_letters(topics.WAREHOUSE_STOCK), until=lambda seen: len(seen) >= 1
    )
    assert "flaky handler for BROKEN" in dead[0].header("dlq.error")
    assert dead[0].header("dlq.consumer.group") == f"{system.prefix}echo"
    assert Envelope.from_bytes(dead[0].record.value).payload["sku"] == "BROKEN"


async def test_relay_publishes_what_was_written_while_it_was_down(system: TestSystem) -> None:
    await system.create_topics([])
    first = await system.start("echo", lambda _: echo_service({}), EchoSettings)
    await first.stop()
    system.services.remove(first)
    pool = await system.db("echo")
    async with pool.acquire() as conn, conn.transaction():
        unit = UnitOfWork(conn=conn, source="test")
        for number in range(5):
            unit.emit(topics.INVENTORY_ALERTS, f"k{number}", received(f"SKU-{number}"))
        await outbox.write(conn, unit.outgoing)
    assert (await outbox.backlog(pool)).unsent == 5

    # Same database. Its relay marks a batch sent with its next read, a poll (a minute) away.
    second = await system.start(
        "echo", lambda _: echo_service({}), EchoSettings, relay_poll_interval_s=60
    )
    published = await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 5)
    assert sorted(m.event.sku for m in published) == [f"SKU-{n}" for n in range(5)]
    assert (await outbox.backlog(pool)).unsent == 5, "on the broker, marked on the next poll"
    await second.stop()
    system.services.remove(second)
    assert (await outbox.backlog(pool)).unsent == 0, "a clean stop marks its last batch sent"
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL") == 5, (
        "sent rows are kept"
    )


async def test_relay_publishes_a_row_that_commits_after_a_higher_id(system: TestSystem) -> None:
    await system.create_topics([])
    await system.start("echo", lambda _: echo_service({}), EchoSettings)
    pool = await system.db("echo")
    slow = await pool.acquire()
    try:
        slow_tx = slow.transaction()
        await slow_tx.start()
        await outbox.write(slow, [_message("SLOW")])  # takes the lower id, commits last
        async with pool.acquire() as fast, fast.transaction():
            await outbox.write(fast, [_message("FAST")])
        await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 1)
        await slow_tx.commit()
    finally:
        await pool.release(slow)
    published = await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 2)
    assert [m.event.sku for m in published] == ["FAST", "SLOW"]


async def test_resent_rows_go_out_again_after_a_broker_lost_its_data(system: TestSystem) -> None:
    await system.create_topics([])
    await system.start("echo", lambda _: echo_service({}), EchoSettings)
    pool = await system.db("echo")
    async with pool.acquire() as conn, conn.transaction():
        await outbox.write(conn, [_message("ONCE")])
    await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 1)
    await eventually(  # marked sent on the relay's next poll after the broker acked it
        lambda: pool.fetchval("SELECT count(*) = 1 FROM outbox WHERE sent_at IS NOT NULL")
    )
    assert await outbox.requeue_sent_since(pool, datetime.now(UTC) - timedelta(minutes=5)) == 1
    again = await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 2)
    assert again[0].envelope.event_id == again[1].envelope.event_id, (
        "consumers deduplicate the copy"
    )


def _message(sku: str) -> outbox.OutgoingMessage:
    envelope = Envelope.wrap(received(sku), source="test", correlation_id=sku)
    return outbox.OutgoingMessage(
        topic=topics.INVENTORY_ALERTS, key="one-partition", envelope=envelope
    )


async def test_each_service_database_holds_only_its_own_tables(system: TestSystem, start) -> None:
    await system.create_topics([])
    for name in ("intake", "routing", "inventory", "fulfillment", "notifications"):
        await start(system, name)
    runtime = {"outbox", "inbox", "kafka_cluster", "schema_migrations"}
    expected = {
        "intake": {
            "listings",
            "listing_components",
            "item_listings",
            "products",
            "orders",
            "holds",
            "raw_payloads",
            "parked_updates",
            "refunds",
            "order_shipments",
            "audit",
            "erasures",
            "erasure_progress",
        },
        "routing": {
            "stock_replica",
            "orders",
            "decisions",
            "reference_versions",
            "location_load",
            "erased_orders",
            "catalog_products",
        },
        "inventory": {
            "stock",
            "reservations",
            "reservation_lines",
            "movements",
            "products",
            "locations",
            "channel_policies",
            "attempts",
            "backorders",
            "listed_channels",
            "counts",
            "held_stock_events",
            "daily_sales",
            "alert_state",
            "alerts",
            "erased_orders",
            "operator_audit",
            "levels_due",
        },
        "fulfillment": {
            "shipments",
            "shipment_history",
            "early_tracking",
            "cancelled_orders",
            "refused_reports",
            "ship_by_escalations",
            "tracking_uploads",
            "tracking_upload_answers",
            "operator_audit",
        },
        "notifications": {
            "contacts",
            "notifications",
            "delivery_log",
            "seller_preferences",
            "customer_preferences",
            "transits",
            "erased_orders",
            "suppressions",
        },
    }
    for name, own in expected.items():
        pool = await system.db(name)
        tables = {
            row["tablename"]
            for row in await pool.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
        }
        assert tables == own | runtime, name


async def test_inbox_rows_older_than_the_retention_are_purged(system: TestSystem) -> None:
    await system.create_topics([])
    await system.start("echo", lambda _: echo_service({}), EchoSettings)
    pool = await system.db("echo")
    old, recent = uuid.uuid4(), uuid.uuid4()
    await pool.execute(
        "INSERT INTO inbox (event_id, received_at) VALUES ($1, now() - interval '4 days')", old
    )
    await pool.execute("INSERT INTO inbox (event_id) VALUES ($1)", recent)
    assert await inbox.purge(pool, timedelta(days=3)) == 1
    assert [row["event_id"] for row in await pool.fetch("SELECT event_id FROM inbox")] == [recent]


async def test_inbox_makes_a_redelivered_event_a_no_op(system: TestSystem) -> None:
    """The echo handler has no idempotency of its own: only the inbox stands in the way."""
    await system.create_topics([])
    service = await system.start("echo", lambda _: echo_service({}), EchoSettings)
    bus = await system.bus()
    envelope = await bus.publish(topics.WAREHOUSE_STOCK, "one-key", received("ONCE"))
    await bus.flush()
    await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 1)
    await bus.publish_raw(topics.WAREHOUSE_STOCK, "one-key", envelope.to_bytes())  # later batch
    await bus.publish_raw(topics.WAREHOUSE_STOCK, "one-key", envelope.to_bytes())
    await bus.publish_raw(topics.WAREHOUSE_STOCK, "one-key", envelope.to_bytes())  # same batch
    await bus.publish(topics.WAREHOUSE_STOCK, "one-key", received("AFTER"))
    await bus.flush()
    echoed = await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 2)
    # Each echo is keyed by its SKU, so the two may sit on different partitions: read in any order.
    assert sorted(m.event.sku for m in echoed) == ["AFTER", "ONCE"]
    assert service.stats.duplicates == 3


async def test_a_stopped_consumer_commits_its_last_batch(system: TestSystem) -> None:
    """Offsets are committed in the background while the next batch runs; stopping waits for
    the last commit, so a successor in the group does not read the same batch again."""
    await system.create_topics([])
    first = await system.start("echo", lambda _: echo_service({}), EchoSettings)
    bus = await system.bus()
    await bus.publish(topics.WAREHOUSE_STOCK, "one-key", received("BEFORE"))
    await bus.flush()
    await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 1)
    await first.stop()

    successor = await system.start("echo", lambda _: echo_service({}), EchoSettings)
    await bus.publish(topics.WAREHOUSE_STOCK, "one-key", received("AFTER"))
    await bus.flush()
    echoed = await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 2)
    assert sorted(m.event.sku for m in echoed) == ["AFTER", "BEFORE"]  # any order, as above
    assert (successor.stats.processed, successor.stats.duplicates) == (1, 0)


async def test_a_row_the_broker_refuses_for_good_is_set_aside_and_the_rest_flows(
    system: TestSystem,
) -> None:
    await system.create_topics([])
    service = await system.start("echo", lambda _: echo_service({}), EchoSettings)
    pool = await system.db("echo")
    too_large = Envelope.wrap(
        MarketplaceOrderPublished(channel="shopify", payload={"note": "x" * 2_000_000}),
        source="test",
        correlation_id="huge",
    )
    async with pool.acquire() as conn, conn.transaction():
        await outbox.write(
            conn,
            [
                _message("BEFORE"),
                outbox.OutgoingMessage(topics.INVENTORY_ALERTS, "one-partition", too_large),
                _message("AFTER"),
            ],
        )

    published = await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 2)
    assert [m.event.sku for m in published] == ["BEFORE", "AFTER"]
    refusal = await eventually(  # the relay commits after the broker acked
        lambda: pool.fetchval("SELECT refusal FROM outbox WHERE refused_at IS NOT NULL")
    )
    assert "MessageSizeTooLarge" in refusal
    health = await eventually(  # the rest marked sent on the relay's next poll
        lambda: _when(service.health(), lambda h: h["outbox_unsent"] == 0)
    )
    assert health["outbox_refused"] == 1
    assert await outbox.requeue_refused(pool) == 1  # once an operator has fixed the cause


async def test_metrics_show_the_consumer_its_lag_the_outbox_and_http(system: TestSystem) -> None:
    await system.create_topics([])
    service = await system.start("echo", lambda _: echo_service({"BROKEN": 99}), EchoSettings)
    bus = await system.bus()
    for sku in ("A", "B", "BROKEN"):
        await bus.publish(topics.WAREHOUSE_STOCK, sku, received(sku))
    await bus.flush()
    await system.read(topics.INVENTORY_ALERTS, until=lambda seen: len(seen) >= 2)
    await eventually(lambda: _true(service.stats.dead_lettered == 1))

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://echo"
    ) as client:
        await client.get("/healthz")
        answer = await client.get("/metrics")
    text = answer.text

    assert answer.headers["content-type"].startswith("text/plain")
    assert 'orderflow_consumer_records_total{outcome="processed"} 2.0' in text
    assert 'orderflow_consumer_records_total{outcome="dead_lettered"} 1.0' in text
    assert "orderflow_consumer_batch_seconds_count" in text
    assert 'orderflow_consumer_lag{partition="' in text
    assert "orderflow_outbox_unsent 0.0" in text
    assert "orderflow_outbox_refused 0.0" in text
    assert (
        'orderflow_http_request_seconds_count{method="GET",route="/healthz",status="200"} 1.0'
        in text
    )


async def _true(value: bool) -> bool:
    return value


async def _when(pending: Awaitable[T], holds: Callable[[T], bool]) -> T | None:
    value = await pending
    return value if holds(value) else None


async def test_swagger_ui_is_served_from_the_service_itself(system: TestSystem) -> None:
    await system.create_topics([])
    service = await system.start("echo", lambda _: echo_service({}), EchoSettings)

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://echo"
    ) as client:
        page = await client.get("/docs")
        bundle = await client.get("/docs-assets/swagger-ui-bundle.js")
        styles = await client.get("/docs-assets/swagger-ui.css")

    assert page.status_code == 200
    assert "/docs-assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()  # a page that loads nothing from elsewhere
    assert (bundle.status_code, styles.status_code) == (200, 200)
    assert len(bundle.content) > 1_000_000
