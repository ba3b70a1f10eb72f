"""A shipment's tracking upload to its marketplace: checked against what the marketplace takes
(upload_rules) and sent, or held with why; the marketplace's every answer kept; an answer that
may change retried later, up to a limit; a refusal kept with the marketplace's message."""

from datetime import UTC, datetime

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import TrackingNumberAssigned
from orderflow_contracts.marketplace import TrackingUploadAnswered
from orderflow_contracts.order import OrderLine
from orderflow_runtime import Item, UnitOfWork
from pydantic import TypeAdapter

from orderflow_fulfillment import store, upload_rules

_lines = TypeAdapter(tuple[OrderLine, ...])


def upload_shipped(uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment) -> None:
    """The shipment just shipped: its tracking number to the marketplace, or held."""
    upload = upload_rules.check(
        shipment.channel, shipment.carrier, shipment.carrier_code, shipment.tracking_number
    )
    status = "held" if upload.problem else "sent"
    book.uploads.append(
        store.UploadRow(
            shipment.shipment_id,
            shipment.channel,
            shipment.tracking_number,
            upload.carrier_code,
            status,
            upload.problem,
        )
    )
    if upload.problem:
        book.note(shipment, f"tracking upload held: {upload.problem}")
        uow.log.warning(
            "tracking_upload.held", shipment_id=shipment.shipment_id, reason=upload.problem
        )
        return
    _send(uow, shipment.order_id, shipment.channel, shipment.external_id, shipment.shipment_id,
          shipment.carrier, upload.carrier_code, shipment.tracking_number, shipment.lines, 1)  # fmt: skip


def _send(
    uow: UnitOfWork,
    order_id: str,
    channel: str,
    external_id: str,
    shipment_id: str,
    carrier: str,
    carrier_code: str,
    tracking_number: str,
    lines: tuple[OrderLine, ...],
    attempt: int,
) -> None:
    uow.emit(
        topics.MARKETPLACE_TRACKING,
        topics.channel_order_key(channel, external_id),
        TrackingNumberAssigned(
            channel=channel,
            external_id=external_id,
            order_id=order_id,
            carrier=carrier,
            tracking_number=tracking_number,
            shipment_id=shipment_id,
            carrier_code=carrier_code,
            lines=lines,
            attempt=attempt,
        ),
        correlation_id=order_id,
    )


async def apply_upload_answers(items: list[Item[TrackingUploadAnswered]]) -> None:
    for item in items:
        await _answered(item.unit, item.event)


async def _answered(uow: UnitOfWork, answer: TrackingUploadAnswered) -> None:
    upload = await store.lock_upload(uow.conn, answer.shipment_id)
    if upload is None:
        uow.log.warning("tracking_upload.answer_for_unknown", shipment_id=answer.shipment_id)
        return
    attempt = upload["attempts"]
    await store.record_answer(
        uow.conn, answer.shipment_id, attempt, answer.accepted, answer.retryable, answer.message
    )
    if upload["status"] != "sent":
        return  # settled already: this answer is kept, nothing changes
    if answer.accepted:
        await store.settle_upload(uow.conn, answer.shipment_id, "accepted", "")
    elif answer.retryable and attempt < upload_rules.MAX_ATTEMPTS:
        due = datetime.now(UTC) + upload_rules.retry_after(attempt)
        await store.settle_upload(uow.conn, answer.shipment_id, "retrying", answer.message, due)
    else:
        reason = answer.message or "refused"
        if answer.retryable:
            reason = f"gave up after {attempt} attempts: {reason}"
        await store.settle_upload(uow.conn, answer.shipment_id, "refused", reason)
    uow.log.info(
        "tracking_upload.answered",
        shipment_id=answer.shipment_id,
        accepted=answer.accepted,
        retryable=answer.retryable,
        attempt=attempt,
    )


async def retry_uploads(uow: UnitOfWork, now: datetime) -> int:
    """Upload again each shipment whose retry is due; returns how many."""
    due = await store.take_due_uploads(uow.conn, now)
    for row in due:
        _send(uow, row["order_id"], row["channel"], row["external_id"], row["shipment_id"],
              row["carrier"], row["carrier_code"], row["tracking_number"],
              _lines.validate_json(row["lines"]), row["attempts"])  # fmt: skip
    return len(due)


class UploadRefused(Exception):
    """The upload cannot be sent as asked; the message says why."""


async def send_again(
    uow: UnitOfWork, shipment_id: str, tracking_number: str = "", carrier_code: str = ""
) -> None:
    """An operator sends a held or refused upload again, corrected where they say; checked as
    the first upload was."""
    row = await store.upload_to_send(uow.conn, shipment_id)
    if row is None:
        raise LookupError(f"no tracking upload for shipment {shipment_id}")
    if row["status"] not in ("held", "refused"):
        raise UploadRefused(f"the upload is {row['status']}: only a held or refused one is resent")
    number = tracking_number or row["tracking_number"]
    upload = upload_rules.check(
        row["channel"], row["carrier"], carrier_code or row["carrier_code"], number
    )
    if upload.problem:
        raise UploadRefused(upload.problem)
    if number != row["tracking_number"] and await store.tracking_number_taken(uow.conn, number):
        raise UploadRefused(f"tracking number {number} is another parcel's")
    attempt = await store.resend_upload(uow.conn, shipment_id, number, upload.carrier_code)
    _send(uow, row["order_id"], row["channel"], row["external_id"], shipment_id, row["carrier"],
          upload.carrier_code, number, _lines.validate_json(row["lines"]), attempt)  # fmt: skip
