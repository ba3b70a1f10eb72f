"""The carrier's news of its parcels, out and back. News for a tracking number not known yet is
parked until the warehouse names it; news older than the latest applied for that parcel is kept
in its history, not applied (the carrier's exceptions come and go, so order matters)."""

from orderflow_contracts.carrier import TrackingUpdated
from orderflow_contracts.fulfillment import ShipmentStatus
from orderflow_runtime import Item

from orderflow_fulfillment import domain, store
from orderflow_fulfillment.journey import advance


async def apply_tracking(items: list[Item[TrackingUpdated]]) -> None:
    """A poll's carrier news, in the order it was read, written at once."""
    conn = items[-1].unit.conn
    book = await store.ShipmentBook.load(
        conn, tracking_numbers=[i.event.tracking_number for i in items]
    )
    early: list[tuple[str, ShipmentStatus]] = []
    for item in items:
        news, uow = item.event, item.unit
        status = ShipmentStatus(news.status)
        shipment = book.by_tracking_number(news.tracking_number)
        if shipment is None:
            shipment, status = _on_the_way_back(book, news.tracking_number, status)
        if shipment is None:
            early.append((news.tracking_number, status))
            uow.log.info(
                "tracking.parked", tracking_number=news.tracking_number, status=status.value
            )
            continue
        happened = uow.cause.occurred_at if uow.cause else None
        if happened and shipment.carrier_news_at and happened < shipment.carrier_news_at:
            book.record(shipment, status, accepted=False, note="older than the carrier's latest")
            uow.log.info("tracking.out_of_order", shipment_id=shipment.shipment_id)
            continue
        if advance(uow, book, shipment, status, note=news.detail, reason=news.detail):
            shipment.carrier_news_at = happened
            book.touch(shipment)
    await store.park_tracking(conn, early)
    await book.save(conn)


def _on_the_way_back(
    book: store.ShipmentBook, tracking_number: str, status: ShipmentStatus
) -> tuple[store.Shipment | None, ShipmentStatus]:
    """A return label's tracking number: the carrier's news is about the return leg."""
    shipment = book.by_return_tracking_number(tracking_number)
    if shipment is None:
        return None, status
    return shipment, domain.RETURN_LEG.get(status, status)
