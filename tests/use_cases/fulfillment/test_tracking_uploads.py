"""The tracking upload to the order's marketplace: the marketplace's carrier code and the lines
shipped; a number the carrier would never issue held with why; answers kept, retried, settled."""

from datetime import UTC, datetime, timedelta

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import TrackingNumberAssigned
from orderflow_contracts.inventory import StockReserved
from orderflow_contracts.marketplace import TrackingUploadAnswered
from orderflow_fulfillment import uploads
from orderflow_testing.use_cases import DrivenService

from tests.use_cases.conftest import planned
from tests.use_cases.fulfillment.test_shipments import report, sent

SHIPMENT = "o-1-us-ontario"
USPS = "9400100000000000000001"


async def ship(
    fulfillment: DrivenService, tracking: str = USPS, channel: str = "shopify", code: str = ""
) -> list[TrackingNumberAssigned]:
    plan = planned("o-1", ("us-ontario", "MUG-RED", 2), channel=channel)
    if code:
        shipments = tuple(s.model_copy(update={"carrier_code": code}) for s in plan.shipments)
        plan = plan.model_copy(update={"shipments": shipments})
    await fulfillment.deliver(topics.INVENTORY_RESERVATIONS, StockReserved(plan=plan))
    emitted = sent(
        await report(fulfillment, SHIPMENT, "picked", "packed", "shipped", tracking=tracking)
    )
    return [e for _, _, e in emitted if isinstance(e, TrackingNumberAssigned)]


async def upload(fulfillment: DrivenService):
    return await fulfillment.conn.fetchrow(
        "SELECT status, attempts, reason, carrier_code, next_attempt_at FROM tracking_uploads"
        " WHERE shipment_id = $1",
        SHIPMENT,
    )


def answer(accepted: bool, retryable: bool = False, message: str = "") -> TrackingUploadAnswered:
    return TrackingUploadAnswered(
        channel="shopify",
        external_id="ext-o-1",
        shipment_id=SHIPMENT,
        tracking_number=USPS,
        accepted=accepted,
        retryable=retryable,
        message=message,
    )


async def test_the_upload_carries_the_marketplaces_code_and_the_lines(fulfillment) -> None:
    [told] = await ship(fulfillment)

    assert (told.carrier_code, told.shipment_id, told.attempt) == ("USPS", SHIPMENT, 1)
    assert [(line.sku, line.quantity) for line in told.lines] == [("MUG-RED", 2)]
    assert (await upload(fulfillment))["status"] == "sent"


async def test_the_plans_carrier_code_for_the_channel_wins(fulfillment) -> None:
    [told] = await ship(fulfillment, code="USPS Ground Advantage")

    assert told.carrier_code == "USPS Ground Advantage"


async def test_a_number_the_carrier_never_issues_is_held_with_why(fulfillment) -> None:
    assert await ship(fulfillment, tracking="USP0123456789") == []

    held = await upload(fulfillment)
    assert (held["status"], held["reason"]) == (
        "held",
        "USP0123456789 is not a usps tracking number",
    )


async def test_a_marketplace_without_a_code_for_the_carrier_is_held(fulfillment) -> None:
    assert await ship(fulfillment, channel="etsy") == []

    assert (await upload(fulfillment))["reason"] == "no etsy code for carrier usps"


async def test_an_accepted_upload_is_settled_and_the_answer_kept(fulfillment) -> None:
    await ship(fulfillment)
    await fulfillment.deliver(topics.MARKETPLACE_TRACKING, answer(True, message="ok"))

    assert (await upload(fulfillment))["status"] == "accepted"
    assert await fulfillment.conn.fetchval("SELECT count(*) FROM tracking_upload_answers") == 1


async def test_a_retryable_refusal_is_uploaded_again_when_due(fulfillment) -> None:
    await ship(fulfillment)
    await fulfillment.deliver(
        topics.MARKETPLACE_TRACKING, answer(False, retryable=True, message="429 rate limited")
    )
    waiting = await upload(fulfillment)
    assert (waiting["status"], waiting["reason"]) == ("retrying", "429 rate limited")

    async with fulfillment.unit_of_work() as uow:
        assert await uploads.retry_uploads(uow, datetime.now(UTC)) == 0  # not due yet
        assert await uploads.retry_uploads(uow, datetime.now(UTC) + timedelta(minutes=1)) == 1
        [again] = [m.envelope.event() for m in uow.outgoing]
    assert (again.attempt, again.tracking_number, again.carrier_code) == (2, USPS, "USPS")

    await fulfillment.deliver(
        topics.MARKETPLACE_TRACKING, answer(False, message="invalid carrier for this order")
    )
    refused = await upload(fulfillment)
    assert (refused["status"], refused["attempts"], refused["reason"]) == (
        "refused",
        2,
        "invalid carrier for this order",
    )


async def test_retries_stop_after_the_last_attempt(fulfillment) -> None:
    await ship(fulfillment)
    await fulfillment.conn.execute("UPDATE tracking_uploads SET attempts = 5")

    await fulfillment.deliver(
        topics.MARKETPLACE_TRACKING, answer(False, retryable=True, message="503")
    )

    assert (await upload(fulfillment))["reason"] == "gave up after 5 attempts: 503"


async def test_an_answer_after_the_upload_settled_is_kept_and_changes_nothing(fulfillment) -> None:
    await ship(fulfillment)
    await fulfillment.deliver(topics.MARKETPLACE_TRACKING, answer(True))
    await fulfillment.deliver(topics.MARKETPLACE_TRACKING, answer(False, message="late"))

    assert (await upload(fulfillment))["status"] == "accepted"
    assert await fulfillment.conn.fetchval("SELECT count(*) FROM tracking_upload_answers") == 2


async def test_a_held_upload_is_sent_again_corrected(fulfillment) -> None:
    await ship(fulfillment, tracking="USP0123456789")
    async with fulfillment.unit_of_work() as uow:
        try:
            await uploads.send_again(uow, SHIPMENT, tracking_number="USP9")
        except uploads.UploadRefused as refused:
            assert str(refused) == "USP9 is not a usps tracking number"
        else:
            raise AssertionError("a bad number was sent")
        await uploads.send_again(uow, SHIPMENT, tracking_number=USPS)
        [again] = [m.envelope.event() for m in uow.outgoing]

    assert (again.tracking_number, again.attempt, again.carrier_code) == (USPS, 1, "USPS")
    assert (await upload(fulfillment))["status"] == "sent"
    assert (
        await fulfillment.conn.fetchval(
            "SELECT tracking_number FROM shipments WHERE shipment_id = $1", SHIPMENT
        )
        == USPS
    )


async def test_an_upload_waiting_for_its_answer_is_not_sent_again(fulfillment) -> None:
    await ship(fulfillment)
    async with fulfillment.unit_of_work() as uow:
        try:
            await uploads.send_again(uow, SHIPMENT)
        except uploads.UploadRefused as refused:
            assert str(refused) == "the upload is sent: only a held or refused one is resent"
        else:
            raise AssertionError("sent twice")
