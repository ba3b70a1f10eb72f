"""notifications erases a customer's contact when intake asks, stops what is queued for them,
answers with counts, and empties contacts whose notifications settled long ago."""

from datetime import timedelta

import pytest
from orderflow_contracts import topics
from orderflow_contracts.privacy import (
    CustomerDataErased,
    CustomerErasureRequested,
    email_digest,
)
from orderflow_notifications.privacy import use_cases
from orderflow_testing.system import TestSystem, eventually

from tests.integration.notifications.test_customer_emails import accepted, shipped

pytestmark = pytest.mark.integration


def _of_o1(order_id: str):
    """An order of o-1's customer that intake's erasure does not list: found by the e-mail."""
    event = accepted(order_id, "en")
    customer = event.order.customer.model_copy(update={"email": "O-1@Example.com"})
    return event.model_copy(update={"order": event.order.model_copy(update={"customer": customer})})


async def _three_customers(system: TestSystem, bus) -> object:
    await bus.publish(topics.ORDERS, "o-1", accepted("o-1", "en"))
    await bus.publish(topics.ORDERS, "o-2", _of_o1("o-2"))
    await bus.publish(topics.ORDERS, "o-3", accepted("o-3", "en"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-1", shipped("o-1"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-4", shipped("o-4"))  # its contact never came
    await bus.flush()
    db = await system.db("notifications")
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = 2 FROM notifications WHERE status IN ('sent', 'awaiting_contact')"
        )
    )
    return db


async def test_an_erasure_empties_the_contact_stops_the_queue_and_answers_once(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    await start(system, "notifications", smtp_port=smtp.port)
    bus = await system.bus("intake")
    db = await _three_customers(system, bus)
    request = CustomerErasureRequested(
        erasure_id="e-1",
        email_digest=email_digest("o-1@example.com"),
        order_ids=("o-1", "o-4"),
        requested_at="2026-12-05T12:00:00Z",
    )

    await db.execute(
        "INSERT INTO customer_preferences (email, opted_out, updated_by) VALUES"
        " ('o-1@example.com', true, 'o-1@example.com'), ('o-3@example.com', true, 'x')"
    )

    envelope = await bus.publish(topics.PRIVACY_ERASURES, "e-1", request)
    await bus.publish_raw(topics.PRIVACY_ERASURES, "e-1", envelope.to_bytes())
    await bus.flush()

    [answer] = [
        m.event
        for m in await system.read(topics.PRIVACY_ERASURES, until=lambda seen: len(seen) >= 3)
        if isinstance(m.event, CustomerDataErased)
    ]
    assert answer == CustomerDataErased(
        erasure_id="e-1",
        service="notifications",
        counts={"contacts": 2, "recipients": 1, "queued_stopped": 1, "preferences": 1},
    )
    contacts = await db.fetch("SELECT order_id, name, email FROM contacts ORDER BY order_id")
    assert [tuple(c) for c in contacts] == [
        ("o-1", "", ""),
        ("o-2", "", ""),
        ("o-3", "Lin", "o-3@example.com"),
    ]
    assert await db.fetchval("SELECT count(*) FROM notifications WHERE recipient LIKE 'o-1%'") == 0
    kept = await db.fetchval("SELECT array_agg(email) FROM customer_preferences")
    assert kept == ["o-3@example.com"]
    stopped = await db.fetchrow(
        "SELECT n.status, d.outcome, d.detail FROM notifications n"
        " JOIN delivery_log d ON d.notification_id = n.id WHERE n.order_id = 'o-4'"
    )
    assert tuple(stopped) == (
        "unreachable",
        "unreachable",
        "the customer's personal data was erased",
    )
    assert await db.fetchval("SELECT count(*) FROM inbox") >= 5


async def test_the_retention_purge_empties_contacts_whose_news_settled_long_ago(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port)
    db = await _three_customers(system, await system.bus("intake"))
    await db.execute(
        "UPDATE notifications SET created_at = now() - interval '91 days'"
        " WHERE order_id IN ('o-1', 'o-4')"
    )

    async with service.unit_of_work() as uow:
        purged = await use_cases.purge_expired(uow, timedelta(days=90))
    async with service.unit_of_work() as uow:
        again = await use_cases.purge_expired(uow, timedelta(days=90))

    assert (purged, again) == (1, 0)  # o-1; o-2 and o-3 were never told anything
    contacts = await db.fetch("SELECT order_id, email FROM contacts ORDER BY order_id")
    assert [tuple(c) for c in contacts] == [
        ("o-1", ""),
        ("o-2", "O-1@Example.com"),
        ("o-3", "o-3@example.com"),
    ]
    assert await db.fetchval("SELECT recipient FROM notifications WHERE order_id = 'o-1'") == ""
