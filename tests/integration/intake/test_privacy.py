"""A customer's erasure asked at intake: intake's own rows erased at once, the others told on
privacy.erasures by the e-mail's digest, their answers shown; and the retention purge."""

import json
import uuid
from datetime import timedelta

import pytest
from orderflow_contracts import topics
from orderflow_contracts.privacy import (
    CustomerDataErased,
    CustomerErasureRequested,
    email_digest,
)
from orderflow_intake.domain import order_id_for
from orderflow_intake.privacy import use_cases
from orderflow_simulators import payloads
from orderflow_testing.system import eventually

pytestmark = pytest.mark.integration

OPS = {"X-Actor": "dpo@seller.example"}
EMAIL = "Ana.Silva@Example.com"
PHONE = "+351 912 345 678"


def _anas_order(number: int) -> dict:
    return payloads.shopify_order(
        number,
        [("MUG-RED", 1)],
        email=EMAIL,
        address_overrides={
            "first_name": "Ana",
            "last_name": "Silva",
            "address1": "Rua Augusta 12",
            "city": "Springfield",
            "phone": PHONE,
        },
    )


async def _two_customers(intake) -> tuple[str, str]:
    anas = _anas_order(301)
    others = payloads.shopify_order(302, [("MUG-RED", 1)], email="bo@example.org")
    for order in (anas, others):
        assert (await intake.post_webhook("shopify", order)).status_code == 202
    refused = await intake.post_webhook("shopify", {"email": EMAIL, "phone": PHONE})
    assert refused.status_code >= 400, refused.text
    return order_id_for("shopify", str(anas["id"])), order_id_for("shopify", str(others["id"]))


def _has_pii(text: str) -> bool:
    lowered = text.lower()
    return any(value in lowered for value in ("ana.silva", "912 345 678", "rua augusta", "silva"))


async def test_an_erasure_empties_the_customers_data_in_intake_and_is_announced(
    start_intake, capfd
):
    intake = await start_intake()
    anas, others = await _two_customers(intake)

    response = await intake.http.post(
        "/privacy/erasures", json={"email": " ana.silva@example.COM"}, headers=OPS
    )

    assert response.status_code == 202, response.text
    erasure_id = response.json()["erasure_id"]
    assert response.json()["orders"] == 1
    row = await intake.db.fetchrow(
        "SELECT canonical::text, raw_payload::text, customer_email, customer_key, pii_erased_at"
        " FROM orders WHERE order_id = $1",
        anas,
    )
    assert not _has_pii(row["canonical"]) and not _has_pii(row["raw_payload"])
    assert row["customer_email"] == row["customer_key"] == ""
    assert row["pii_erased_at"] is not None
    canonical = json.loads(row["canonical"])
    assert canonical["ship_to"]["country"] == "US" and canonical["lines"][0]["sku"] == "MUG-RED"
    bodies = [
        bytes(r["body"]).decode()
        for r in await intake.db.fetch("SELECT body FROM raw_payloads ORDER BY payload_id")
    ]
    assert [_has_pii(body) for body in bodies] == [False, False, False]
    assert "bo@example.org" in bodies[1]  # another customer's payload keeps its data
    other = await intake.db.fetchval(
        "SELECT customer_email FROM orders WHERE order_id = $1", others
    )
    assert other == "bo@example.org"

    announced = await intake.system.read(topics.PRIVACY_ERASURES, until=lambda seen: len(seen) >= 1)
    event = announced[0].event
    assert isinstance(event, CustomerErasureRequested)
    assert (event.erasure_id, event.order_ids) == (erasure_id, (anas,))
    assert event.email_digest == email_digest(EMAIL)
    assert not _has_pii(announced[0].envelope.model_dump_json())
    logged = "".join(capfd.readouterr())  # the webhooks', the refusal's and the erasure's lines
    assert erasure_id in logged and "document.unreadable" in logged
    assert not _has_pii(logged)


async def test_an_erasure_is_complete_once_every_service_answered(start_intake):
    intake = await start_intake()
    await _two_customers(intake)
    erasure_id = (
        await intake.http.post("/privacy/erasures", json={"email": EMAIL}, headers=OPS)
    ).json()["erasure_id"]

    status = (await intake.http.get(f"/privacy/erasures/{erasure_id}")).json()
    assert status["complete"] is False
    answered = {s["service"]: s["counts"] for s in status["services"] if s["erased_at"]}
    assert answered == {
        "intake": {"orders": 1, "raw_payloads": 2, "parked_updates": 0, "audit_entries": 0}
    }

    for service in ("routing", "inventory", "notifications"):
        answer = CustomerDataErased(erasure_id=erasure_id, service=service, counts={"rows": 1})
        await intake.publish(topics.PRIVACY_ERASURES, erasure_id, answer, answer)

    async def complete() -> dict | None:
        body = (await intake.http.get(f"/privacy/erasures/{erasure_id}")).json()
        return body if body["complete"] else None

    done = await eventually(complete)
    assert {s["service"]: s["counts"] for s in done["services"]}["notifications"] == {"rows": 1}
    assert (await intake.http.get(f"/privacy/erasures/{uuid.uuid4()}")).status_code == 404


async def test_an_erasure_needs_an_email_and_an_actor(start_intake):
    intake = await start_intake()
    assert (await intake.http.post("/privacy/erasures", json={"email": EMAIL})).status_code == 422
    bad = await intake.http.post("/privacy/erasures", json={"email": "nobody"}, headers=OPS)
    assert bad.status_code == 422
    assert await intake.db.fetchval("SELECT count(*) FROM erasures") == 0


async def test_the_retention_purge_erases_orders_closed_long_enough_ago_only(start_intake):
    intake = await start_intake()
    anas, others = await _two_customers(intake)
    await intake.db.execute(
        "UPDATE orders SET status = 'shipped', shipped_at = now() - interval '91 days'"
        " WHERE order_id = $1",
        anas,
    )
    await intake.db.execute(
        "UPDATE orders SET status = 'shipped', shipped_at = now() - interval '89 days'"
        " WHERE order_id = $1",
        others,
    )
    await intake.db.execute(
        "UPDATE raw_payloads SET received_at = now() - interval '91 days' WHERE status <> 'accepted'"
    )

    async with intake.service.unit_of_work() as uow:
        purged = await use_cases.purge_expired(uow, timedelta(days=90))
    async with intake.service.unit_of_work() as uow:
        again = await use_cases.purge_expired(uow, timedelta(days=90))

    assert (purged, again) == (3, 0)  # the order, its body and the refused body; then nothing
    canonical = await intake.db.fetchval(
        "SELECT canonical::text FROM orders WHERE order_id = $1", anas
    )
    assert not _has_pii(canonical)
    kept = await intake.db.fetchval("SELECT customer_email FROM orders WHERE order_id = $1", others)
    assert kept == "bo@example.org"
    bodies = [
        bytes(r["body"]).decode()
        for r in await intake.db.fetch("SELECT body FROM raw_payloads ORDER BY payload_id")
    ]
    assert [_has_pii(body) for body in bodies] == [False, False, False]


async def _purged_twice(intake) -> tuple[int, int]:
    counts = []
    for _ in range(2):
        async with intake.service.unit_of_work() as uow:
            counts.append(await use_cases.purge_expired(uow, timedelta(days=90)))
    return counts[0], counts[1]


async def _anas_data_left(intake, anas: str) -> list[bool]:
    row = await intake.db.fetchrow(
        "SELECT canonical::text, raw_payload::text, channel_ship_to::text FROM orders"
        " WHERE order_id = $1",
        anas,
    )
    bodies = await intake.db.fetch("SELECT body FROM raw_payloads ORDER BY payload_id")
    return [_has_pii(text or "") for text in row] + [
        _has_pii(bytes(b["body"]).decode()) for b in bodies
    ]


async def test_what_the_channel_sends_again_after_an_erasure_is_erased_by_the_next_purge(
    start_intake,
):
    intake = await start_intake()
    anas, _ = await _two_customers(intake)
    erased = await intake.http.post("/privacy/erasures", json={"email": EMAIL}, headers=OPS)
    assert erased.status_code == 202

    # the same document again on the webhook: a new raw body holds the buyer
    assert (await intake.post_webhook("shopify", _anas_order(301))).status_code == 202
    assert any(await _anas_data_left(intake, anas))
    purged, again = await _purged_twice(intake)
    assert purged >= 1 and again == 0
    assert await _anas_data_left(intake, anas) == [False] * 7

    # a changed document on the topic: the order itself holds the buyer again
    moved = _anas_order(301)
    moved["shipping_address"]["address1"] = "Rua Augusta 14"
    await intake.publish_order("shopify", moved, str(moved["id"]))
    await eventually(
        lambda: intake.db.fetchval(
            "SELECT canonical::text LIKE '%Augusta 14%' FROM orders WHERE order_id = $1", anas
        )
    )
    purged, again = await _purged_twice(intake)
    assert purged >= 1 and again == 0
    assert await _anas_data_left(intake, anas) == [False] * 7


async def test_an_erasure_clears_what_the_buyer_wrote_for_a_line(start_intake):
    """Engraving text names a person: an erasure empties line property values in the canonical
    order, its stored payload and the raw body; property names stay, and another customer's
    order keeps its own."""
    intake = await start_intake()
    anas = _anas_order(311)
    anas["line_items"][0]["properties"] = [
        {"name": "Engraving", "value": "Happy 40th, Mariana!"},
        {"name": "Gift note", "value": "Com amor, tua Ti"},
    ]
    others = payloads.shopify_order(312, [("MUG-RED", 1)], email="bo@example.org")
    others["line_items"][0]["properties"] = [{"name": "Engraving", "value": "Bo's mug"}]
    for order in (anas, others):
        assert (await intake.post_webhook("shopify", order)).status_code == 202

    response = await intake.http.post("/privacy/erasures", json={"email": EMAIL}, headers=OPS)

    assert response.status_code == 202, response.text
    rows = {
        row["order_id"]: row
        for row in await intake.db.fetch(
            "SELECT order_id, canonical::text, raw_payload::text FROM orders"
        )
    }
    erased = rows[order_id_for("shopify", str(anas["id"]))]
    for text in (erased["canonical"], erased["raw_payload"]):
        assert "Mariana" not in text and "Com amor" not in text
    [line] = json.loads(erased["canonical"])["lines"]
    assert line["properties"] == [
        {"name": "Engraving", "value": "", "units": 0},
        {"name": "Gift note", "value": "", "units": 0},
    ]
    bodies = [
        bytes(r["body"]).decode() for r in await intake.db.fetch("SELECT body FROM raw_payloads")
    ]
    assert not [body for body in bodies if "Mariana" in body or "Com amor" in body]
    kept = rows[order_id_for("shopify", str(others["id"]))]
    assert "Bo's mug" in kept["canonical"] and "Bo's mug" in kept["raw_payload"]
