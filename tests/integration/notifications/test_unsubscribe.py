"""A customer unsubscribes with the link their message carries, without an operator's key; the
optional kinds stop, the transactional ones keep coming (issue 18)."""

from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_contracts.intake import OrderAccepted, OrderRefunded
from orderflow_contracts.privacy import CustomerErasureRequested, email_digest
from orderflow_notifications.config import Settings
from orderflow_runtime.access import Role, add_operator
from orderflow_testing.system import TestSystem, eventually

from tests.integration.notifications.test_customer_emails import accepted, shipped
from tests.integration.notifications.test_webhook_channel import hidden_email

pytestmark = pytest.mark.integration


def refunded(order_id: str) -> OrderRefunded:
    return OrderRefunded(order_id=order_id, channel="shopify", external_id=order_id)


async def test_the_link_unsubscribes_from_optional_kinds_without_an_operator_key(
    system: TestSystem, start, smtp, tmp_path: Path
) -> None:
    keys = tmp_path / "keys.json"
    operator = add_operator(keys, "lin@seller", Role.OPERATE)
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port, api_keys_file=keys)
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-u", accepted("o-u", "en"))
    await bus.publish(topics.FULFILLMENT_STATUS, "o-u", shipped("o-u"))
    await bus.flush()
    await eventually(lambda: _emails(smtp, "o-u", 1))

    [first] = smtp.to("o-u")
    link = first["List-Unsubscribe"].strip("<>")
    assert first.get_content().rstrip().endswith(f"Unsubscribe from delivery updates: {link}")
    path = urlsplit(link).path
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://notifications"
    ) as client:
        assert (await client.get("/notifications")).status_code == 401  # the API is guarded
        page = await client.get(path)
        assert page.status_code == 200 and 'method="post"' in page.text
        unchanged = await client.get(
            "/customers/o-u@example.com/preferences", headers={"X-API-Key": operator}
        )
        assert unchanged.status_code == 404  # opening the link changed nothing
        forged = await client.post(path[:-3] + "AAA")
        assert forged.status_code == 400 and "not valid" in forged.text
        done = await client.post(path, data={"List-Unsubscribe": "One-Click"})
        assert done.status_code == 200 and "You are unsubscribed" in done.text
        assert (await client.post(path)).status_code == 200  # twice: the same
        prefs = await client.get(
            "/customers/O-U@example.com/preferences", headers={"X-API-Key": operator}
        )
    assert set(prefs.json()["kinds_off"]) == {
        "confirmed",
        "shipped",
        "out_for_delivery",
        "delayed",
        "delivered",
    }
    assert prefs.json()["updated_by"] == "customer (unsubscribe link)"

    await bus.publish(topics.FULFILLMENT_STATUS, "o-u", shipped("o-u", ShipmentStatus.DELIVERED))
    await bus.publish(topics.ORDERS, "o-u", refunded("o-u"))
    await bus.flush()
    db = await system.db("notifications")
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = 3 FROM notifications"
            " WHERE order_id = 'o-u' AND status IN ('sent', 'suppressed')"
        )
    )
    statuses = dict(await db.fetch("SELECT kind, status FROM notifications WHERE order_id = 'o-u'"))
    assert statuses == {"shipped": "sent", "delivered": "suppressed", "refunded": "sent"}
    assert [m["Subject"] for m in smtp.to("o-u")][1:] == ["Your order o-u was refunded"]


async def test_a_buyer_without_an_e_mail_unsubscribes_from_that_order(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port)
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-h", hidden_email("o-h"))
    await bus.flush()
    db = await system.db("notifications")
    await eventually(lambda: db.fetchval("SELECT count(*) = 1 FROM contacts"))
    # The link its webhook message would carry (the service runs with the development key).
    path = urlsplit(Settings(database_url="postgresql://x").unsubscribe_links().url("o-h")).path
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://notifications"
    ) as client:
        assert (await client.post(path)).status_code == 200
    await bus.publish(topics.FULFILLMENT_STATUS, "o-h", shipped("o-h"))  # optional
    await bus.publish(topics.FULFILLMENT_STATUS, "o-h", shipped("o-h", ShipmentStatus.LOST))
    await bus.flush()
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = 2 FROM notifications WHERE status IN ('suppressed', 'unreachable')"
        )
    )
    statuses = dict(await db.fetch("SELECT kind, status FROM notifications"))
    assert statuses == {"shipped": "suppressed", "lost": "unreachable"}  # no webhook set here
    assert await db.fetchval("SELECT count(*) FROM customer_preferences") == 0


async def test_an_unsubscribe_outlives_the_erasure_of_the_customers_data(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port)
    bus = await system.bus("partners")
    await bus.publish(topics.ORDERS, "o-s", accepted("o-s", "en"))
    await bus.flush()
    db = await system.db("notifications")
    await eventually(lambda: db.fetchval("SELECT count(*) = 1 FROM contacts"))
    path = urlsplit(Settings(database_url="postgresql://x").unsubscribe_links().url("o-s")).path
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://notifications"
    ) as client:
        assert (await client.post(path)).status_code == 200
    erasure = CustomerErasureRequested(
        erasure_id="e-s",
        email_digest=email_digest("o-s@example.com"),
        order_ids=("o-s",),
        requested_at="2026-12-05T12:00:00Z",
    )
    await bus.publish(topics.PRIVACY_ERASURES, "e-s", erasure)
    await bus.flush()
    await eventually(lambda: db.fetchval("SELECT count(*) = 0 FROM customer_preferences"))
    [kept] = await db.fetch("SELECT * FROM suppressions")
    assert "example.com" not in str(dict(kept)) and "shipped" in kept["kinds"]

    again = accepted("o-s2", "en").order  # the customer's order, imported again after it
    customer = again.customer.model_copy(update={"email": " O-S@example.com"})
    await bus.publish(
        topics.ORDERS, "o-s2", OrderAccepted(order=again.model_copy(update={"customer": customer}))
    )
    await bus.publish(topics.FULFILLMENT_STATUS, "o-s2", shipped("o-s2"))
    await bus.publish(topics.ORDERS, "o-s2", refunded("o-s2"))
    await bus.flush()
    await eventually(
        lambda: db.fetchval(
            "SELECT count(*) = 2 FROM notifications WHERE status IN ('sent', 'suppressed')"
        )
    )
    statuses = dict(await db.fetch("SELECT kind, status FROM notifications"))
    assert statuses == {"shipped": "suppressed", "refunded": "sent"}
    why = await db.fetchval("SELECT detail FROM delivery_log WHERE outcome = 'suppressed'")
    assert "suppression list" in why


async def test_an_operators_opt_out_outlives_the_erasure_and_its_lifting_lifts_it(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port)
    operator = {"X-Actor": "ops@seller"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=service.api), base_url="http://notifications"
    ) as client:
        put = "/customers/o-x@example.com/preferences"
        assert (await client.put(put, json={"opted_out": True}, headers=operator)).is_success
        bus = await system.bus("partners")
        erasure = CustomerErasureRequested(
            erasure_id="e-x",
            email_digest=email_digest("o-x@example.com"),
            order_ids=(),
            requested_at="2026-12-05T12:00:00Z",
        )
        await bus.publish(topics.PRIVACY_ERASURES, "e-x", erasure)
        await bus.flush()
        db = await system.db("notifications")
        await eventually(lambda: db.fetchval("SELECT count(*) = 0 FROM customer_preferences"))

        await bus.publish(topics.ORDERS, "o-x", accepted("o-x", "en"))
        await bus.publish(topics.FULFILLMENT_STATUS, "o-x", shipped("o-x", ShipmentStatus.LOST))
        await bus.flush()
        await eventually(
            lambda: db.fetchval(
                "SELECT count(*) = 1 FROM notifications WHERE status = 'suppressed'"
            )
        )
        # opted out of everything: a transactional kind is held too

        lifted = {"opted_out": False, "kinds_off": []}
        assert (await client.put(put, json=lifted, headers=operator)).is_success
    assert await db.fetchval("SELECT count(*) FROM suppressions") == 0


async def _emails(smtp, order_id: str, count: int) -> bool:
    return len(smtp.to(order_id)) >= count
