"""Returns an operator (or the marketplace's return request, through them) starts: the return
requested with its refund reason, then its label's tracking number, on which the carrier
reports the parcel coming back (news on it from before the label was parked, and is applied
now). The warehouse reports it received, restocked or written off."""

from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_runtime import UnitOfWork

from orderflow_fulfillment import domain, store
from orderflow_fulfillment.journey import advance, start_return


class ReturnRefused(Exception):
    """The shipment cannot take this step of a return; the message says why."""


async def request_return(uow: UnitOfWork, shipment_id: str, reason: str) -> store.Shipment:
    book, shipment = await _one(uow, shipment_id)
    if not reason.strip():
        raise ReturnRefused("a return needs its refund reason")
    if shipment.status is ShipmentStatus.RETURN_REQUESTED:
        return shipment  # asked twice: once
    if not start_return(uow, book, shipment, reason):
        raise ReturnRefused(f"no return from {shipment.status.value}")
    await book.save(uow.conn)
    return shipment


async def issue_return_label(
    uow: UnitOfWork, shipment_id: str, tracking_number: str
) -> store.Shipment:
    book, shipment = await _one(uow, shipment_id)
    if not tracking_number.strip():
        raise ReturnRefused("a return label needs its tracking number")
    if shipment.return_tracking_number == tracking_number:
        return shipment
    if shipment.status is not ShipmentStatus.RETURN_REQUESTED:
        raise ReturnRefused(f"a return label after {shipment.status.value}")
    if await store.tracking_number_taken(uow.conn, tracking_number):
        raise ReturnRefused(f"tracking number {tracking_number} is another parcel's")
    shipment.return_tracking_number = tracking_number
    book.touch(shipment)
    advance(
        uow,
        book,
        shipment,
        ShipmentStatus.RETURN_LABEL_ISSUED,
        note=f"return label {tracking_number}",
    )
    await _apply_early_news(uow, book, shipment)
    await book.save(uow.conn)
    return shipment


async def _apply_early_news(
    uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment
) -> None:
    """The carrier may report on the label's number before it is ours: its news waited for it."""
    number = shipment.return_tracking_number
    parked = await store.take_parked_tracking(uow.conn, [number])
    legs = {domain.RETURN_LEG.get(status, status) for status in parked.get(number, [])}
    for status in sorted(legs, key=list(ShipmentStatus).index):
        advance(uow, book, shipment, status, note="the carrier's news from before the label")


async def _one(uow: UnitOfWork, shipment_id: str) -> tuple[store.ShipmentBook, store.Shipment]:
    book = await store.ShipmentBook.load(uow.conn, shipment_ids=[shipment_id])
    shipment = book.by_id.get(shipment_id)
    if shipment is None:
        raise LookupError(f"no shipment {shipment_id}")
    return book, shipment
