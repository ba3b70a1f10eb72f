"""A 'shipped' e-mail says when the parcel is expected, from its lane's own deliveries, in the
customer's language, date format and time zone; a 'delivered' one links the seller's return
portal for the order's sales channel. Where neither is known, the message says nothing of it."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_testing.system import TestSystem, eventually

from tests.integration.notifications.test_customer_emails import accepted, shipped
from tests.integration.notifications.test_preferences_and_bursts import OPERATOR, api

pytestmark = pytest.mark.integration

GERMAN_MONTHS = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"


def german(day: datetime) -> str:
    return f"{day.day}. {GERMAN_MONTHS.split()[day.month - 1]} {day.year}"


def to(order_id: str, language: str, country: str, channel: str = "shopify") -> object:
    event = accepted(order_id, language)
    order = event.order.model_copy(
        update={
            "channel": channel,
            "ship_to": event.order.ship_to.model_copy(update={"country": country}),
        }
    )
    return event.model_copy(update={"order": order})


async def lane_history(db, carrier: str, country: str, days: list[float]) -> None:
    """Deliveries on the lane last week, `days` in transit each."""
    for n, transit in enumerate(days):
        order_id = f"past-{carrier}-{country}-{n}"
        await db.execute(
            "INSERT INTO contacts (order_id, name, email, language, country)"
            " VALUES ($1, '', '', 'en', $2)",
            order_id,
            country,
        )
        await db.execute(
            "INSERT INTO transits (shipment_id, order_id, carrier, shipped_at, delivered_at)"
            " VALUES ($1, $2, $3, now() - interval '7 days',"
            "  now() - interval '7 days' + make_interval(secs => $4))",
            f"{order_id}-s1",
            order_id,
            carrier,
            transit * 86400,
        )


async def test_shipped_says_when_the_parcel_is_expected_and_delivered_where_to_return(
    system: TestSystem, start, smtp
) -> None:
    await system.create_topics([])
    service = await start(system, "notifications", smtp_port=smtp.port, delay_min_samples=10)
    db = await system.db("notifications")
    await lane_history(db, "4px", "DE", [2] * 5 + [3] * 4 + [6] * 2)  # p50 3 days, p90 6
    async with api(service) as client:
        answer = await client.put(
            "/preferences",
            json={"return_urls": {"shopify": "https://shop.example/returns?order=$external_id"}},
            headers=OPERATOR,
        )
        assert answer.status_code == 200, answer.text
        refused = await client.put(
            "/preferences", json={"return_urls": {"*": "ftp://x/$email"}}, headers=OPERATOR
        )
        assert refused.status_code == 422
    bus = await system.bus("partners")
    left = datetime.now(UTC)
    await bus.publish(topics.FULFILLMENT_STATUS, "o-early", shipped("o-early"))
    await bus.flush()
    await eventually(  # the news came before the contact: its destination is not known yet
        lambda: db.fetchval("SELECT status = 'awaiting_contact' FROM notifications")
    )
    await bus.publish(topics.ORDERS, "o-early", to("o-early", "de", "DE"))
    await bus.publish(topics.ORDERS, "o-de", to("o-de", "de", "DE"))
    await bus.publish(topics.ORDERS, "o-sg", to("o-sg", "de", "SG", channel="amazon"))
    for order_id in ("o-de", "o-sg"):
        await bus.publish(topics.FULFILLMENT_STATUS, order_id, shipped(order_id))
    await bus.flush()
    await eventually(lambda: _told(smtp, 1, "o-de", "o-sg", "o-early"))

    berlin = ZoneInfo("Europe/Berlin")
    first, last = (
        (left + timedelta(days=days)).astimezone(berlin) for days in (3, 6)
    )  # a parcel leaving within the test's second, just before midnight, may end a day later
    for order_id in ("o-de", "o-early"):
        body = smtp.to(order_id)[0].get_content()
        assert f"Voraussichtliche Zustellung: {german(first)} \u2013 {german(last)}\n" in body
    assert "Zustellung" not in smtp.to("o-sg")[0].get_content()  # no lane to SG: no word of it

    for order_id in ("o-de", "o-sg"):
        await bus.publish(
            topics.FULFILLMENT_STATUS, order_id, shipped(order_id, ShipmentStatus.DELIVERED)
        )
    await bus.flush()
    await eventually(lambda: _told(smtp, 2, "o-de", "o-sg"))
    delivered = smtp.to("o-de")[1].get_content()
    assert "Artikel zurücksenden: https://shop.example/returns?order=o-de\n" in delivered
    assert "zurücksenden" not in smtp.to("o-sg")[1].get_content()  # amazon: no portal given


async def _told(smtp, count: int, *order_ids: str) -> bool:
    return all(len(smtp.to(order_id)) >= count for order_id in order_ids)
