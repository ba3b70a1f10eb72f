"""notifications, driven without a broker: a contact that arrives after its customer's erasure
(notifications read the erasure first) is emptied by the next purge round, and what was queued
for it is given up, not sent."""

from datetime import timedelta

from orderflow_contracts import topics
from orderflow_contracts.privacy import CustomerErasureRequested
from orderflow_notifications.privacy import use_cases
from orderflow_testing.use_cases import DrivenService

from tests.integration.notifications.test_customer_emails import accepted, shipped


async def test_a_contact_read_after_its_erasure_is_emptied_by_the_next_purge(
    notifications: DrivenService,
) -> None:
    erasure = CustomerErasureRequested(
        erasure_id="e-1",
        email_digest="0" * 64,
        order_ids=("o-1",),
        requested_at="2026-12-05T12:00Z",
    )
    await notifications.deliver(topics.PRIVACY_ERASURES, erasure)
    await notifications.deliver(topics.FULFILLMENT_STATUS, shipped("o-1"), shipped("o-2"))
    await notifications.deliver(topics.ORDERS, accepted("o-1", "en"), accepted("o-2", "en"))

    async with notifications.unit_of_work() as uow:
        purged = await use_cases.purge_expired(uow, timedelta(days=90))

    contacts = await notifications.conn.fetch(
        "SELECT order_id, name, email FROM contacts ORDER BY order_id"
    )
    assert purged == 1
    assert [tuple(c) for c in contacts] == [("o-1", "", ""), ("o-2", "Lin", "o-2@example.com")]
    queued = await notifications.conn.fetch(
        "SELECT order_id, status, recipient FROM notifications ORDER BY order_id"
    )
    assert [tuple(n) for n in queued] == [
        ("o-1", "unreachable", ""),
        ("o-2", "pending", "o-2@example.com"),
    ]


async def test_the_delivery_log_keeps_a_refusals_reason_not_the_address_it_quotes(
    notifications: DrivenService,
) -> None:
    from orderflow_notifications import store

    await notifications.deliver(topics.ORDERS, accepted("o-9", "en"))
    await notifications.deliver(topics.FULFILLMENT_STATUS, shipped("o-9"))
    notification_id = await notifications.conn.fetchval("SELECT id FROM notifications")
    await notifications.conn.execute(
        "UPDATE notifications SET status = 'sending' WHERE id = $1", notification_id
    )
    refusal = "SMTPRecipientsRefused({'o-9@example.com': (550, b'5.1.1 <o-9@example.com>: no')})"
    await store.record_attempts(
        notifications.conn,
        [store.Attempt(notification_id, 1, False, False, refusal, 2.0, "email")],
    )

    detail = await notifications.conn.fetchval("SELECT detail FROM delivery_log")
    assert "@" not in detail
    assert detail.startswith("SMTPRecipientsRefused({'<e-mail>': (550, b'5.1.1 <<e-mail>>: no')")
