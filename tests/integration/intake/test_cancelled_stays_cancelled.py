"""A channel's cancelled order is read as a cancellation, never as a payment change: the
document of an order cancelled on the channel (Amazon's OrderStatus Canceled, re-fetched or
re-sent) cancels the order intake has; once cancelled, the order stays cancelled, and any
document about it sent again is recorded on the order with why and ignored. Payloads are the
channels' documented ones (tests/unit/intake/fixtures) with only the status and version
changed."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from orderflow_contracts.intake import OrderCancelled, OrderHeld, OrderPaymentCaptured

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parents[2] / "unit" / "intake" / "fixtures"


def amazon(status: str, updated: str) -> dict[str, Any]:
    order = copy.deepcopy(json.loads((FIXTURES / "amazon_jp_multi_quantity.json").read_text()))
    order["order"].update(OrderStatus=status, LastUpdateDate=updated)
    return order


async def taken(intake: Any, payload: dict[str, Any]) -> dict[str, Any]:
    response = await intake.post_webhook("amazon", payload)
    assert response.status_code == 202, response.text
    return dict(response.json())


async def test_a_cancelled_order_sent_again_cancels_the_order_not_its_payment(start_intake):
    intake = await start_intake()
    order_id = (await taken(intake, amazon("Unshipped", "2025-06-19T06:12:40Z")))["order_id"]
    assert (await intake.order_row(order_id))["status"] == "accepted"

    answer = await taken(intake, amazon("Canceled", "2025-06-19T09:12:40Z"))

    assert answer["order_status"] == "cancelled"
    await intake.settled()
    last = (await intake.emitted(order_id))[-1]
    assert isinstance(last, OrderCancelled)
    assert await intake.open_holds(order_id) == []  # not held payment_not_captured


async def test_a_new_order_that_arrives_cancelled_is_cancelled(start_intake):
    intake = await start_intake()
    answer = await taken(intake, amazon("Canceled", "2025-06-19T09:12:40Z"))
    assert answer["order_status"] == "cancelled"
    await intake.settled()
    assert isinstance((await intake.emitted(answer["order_id"]))[-1], OrderCancelled)


async def test_a_cancelled_order_stays_cancelled_and_each_resend_is_recorded(start_intake):
    intake = await start_intake()
    order_id = (await taken(intake, amazon("Unshipped", "2025-06-19T06:12:40Z")))["order_id"]
    await taken(intake, amazon("Canceled", "2025-06-19T09:12:40Z"))
    await intake.settled()
    events_when_cancelled = len(await intake.emitted(order_id))

    repeated = await taken(intake, amazon("Canceled", "2025-06-19T09:12:40Z"))
    # A document newer than the cancellation that reads paid again (the channel's mistake, or
    # a replayed fetch with a fresh timestamp) does not bring the order back.
    revived = await taken(intake, amazon("Unshipped", "2025-06-19T10:00:00Z"))

    assert [repeated["order_status"], revived["order_status"]] == ["cancelled", "cancelled"]
    for answer in (repeated, revived):
        raw = await intake.db.fetchrow(
            "SELECT status, error FROM raw_payloads WHERE payload_id = $1",
            answer["raw_payload_id"],
        )
        assert raw["status"] == "accepted"
        assert "a cancelled order stays cancelled; recorded and ignored" in raw["error"]
    await intake.settled()
    after = (await intake.emitted(order_id))[events_when_cancelled:]
    assert not [e for e in after if isinstance(e, OrderHeld | OrderPaymentCaptured)]
    assert after == []
    audit = (await intake.http.get(f"/orders/{order_id}/audit")).json()
    ignored = [entry for entry in audit if entry["action"] == "ignored_after_cancellation"]
    assert [entry["actor"] for entry in ignored] == ["amazon", "amazon"]
