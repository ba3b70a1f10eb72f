"""notifications' use cases: keep each order's contact, queue what its customer should hear."""

from typing import Any

import asyncpg
import structlog
from orderflow_contracts.fulfillment import ShipmentStatus, ShipmentStatusChanged
from orderflow_contracts.intake import OrderAccepted, OrderCancelled, OrderRefunded
from orderflow_contracts.inventory import OrderBackordered
from orderflow_runtime import Item

from orderflow_notifications import store
from orderflow_notifications.lanes import LaneTransits
from orderflow_notifications.store.transits import Arrival

log = structlog.get_logger()

# What a customer hears of a shipment's steps; the others (picked, packed, a return's label...)
# are not news to them. A carrier exception and a customs hold are both "delayed": once.
NEWS_OF_STATUS = {
    ShipmentStatus.SHIPPED: "shipped",
    ShipmentStatus.OUT_FOR_DELIVERY: "out_for_delivery",
    ShipmentStatus.EXCEPTION: "delayed",
    ShipmentStatus.CUSTOMS_HOLD: "delayed",
    ShipmentStatus.FAILED_DELIVERY: "failed_delivery",
    ShipmentStatus.DELIVERED: "delivered",
    ShipmentStatus.LOST: "lost",
    ShipmentStatus.RETURNED_TO_SENDER: "returned_to_sender",
    ShipmentStatus.RETURN_RECEIVED: "return_received",
}


def is_news(event: ShipmentStatusChanged) -> bool:
    """A status a customer hears of (a departure and an arrival are noted for the lanes too).
    The rest (the warehouse's steps before the parcel leaves, in transit, a stop, the return's
    steps but its receipt) are passed over before any transaction."""
    return event.status in NEWS_OF_STATUS


async def remember_contacts(
    items: list[Item[OrderAccepted]],
    merge_window_s: float,
    lanes: LaneTransits,
) -> None:
    """Keep each order's contact; its buyer hears 'confirmed' where the seller chose so for its
    sales channel (marketplaces confirm orders themselves). 'shipped' news that came before the
    contact gets its expected delivery now that the destination is known."""
    conn = items[-1].unit.conn
    if shipped_before := await store.save_contacts(conn, [item.event.order for item in items]):
        await store.set_expected_arrivals(conn, await lanes.expected(conn, shipped_before))
    confirming = await store.confirm_channels(conn)
    news = [
        store.News(
            order_id=item.event.order.order_id,
            shipment_id=item.event.order.order_id,
            kind="confirmed",
            correlation_id=item.unit.correlation_id,
        )
        for item in items
        if item.event.order.channel in confirming
    ]
    await _queue(items, news, merge_window_s)


async def queue_notifications(
    items: list[Item[ShipmentStatusChanged]],
    merge_window_s: float,
    lanes: LaneTransits,
) -> None:
    """One notification per shipment and kind; each departure and arrival is noted, for the
    lanes' transit times, and a departure's message says when it is expected, where its lane
    knows."""
    conn = items[-1].unit.conn
    departed = [item.event for item in items if item.event.status is ShipmentStatus.SHIPPED]
    await store.note_transits(
        conn,
        [
            store.Departure(
                item.event.shipment_id,
                item.event.order_id,
                item.event.carrier,
                item.event.tracking_number,
                item.unit.correlation_id,
                item.unit.occurred_at,
            )
            for item in items
            if item.event.status is ShipmentStatus.SHIPPED
        ],
        [
            Arrival(item.event.shipment_id, item.unit.occurred_at)
            for item in items
            if item.event.status is ShipmentStatus.DELIVERED
        ],
    )
    etas = await lanes.expected(conn, [event.shipment_id for event in departed])
    came_back = await _returned_to_sender(conn, items)
    await _queue(
        items,
        [
            store.News(
                order_id=item.event.order_id,
                shipment_id=item.event.shipment_id,
                kind=NEWS_OF_STATUS[item.event.status],
                correlation_id=item.unit.correlation_id,
                carrier=item.event.carrier,
                tracking_number=item.event.tracking_number,
                eta=etas.get(item.event.shipment_id)
                if item.event.status is ShipmentStatus.SHIPPED
                else None,
            )
            for item in items  # all news: the subscription passes over the rest (is_news)
            if not (
                item.event.status is ShipmentStatus.RETURN_RECEIVED
                and item.event.shipment_id in came_back
            )
        ],
        merge_window_s,
    )


async def _returned_to_sender(
    conn: asyncpg.Connection, items: list[Item[ShipmentStatusChanged]]
) -> set[str]:
    """The shipments among `items` the carrier brought back undelivered: their arrival at the
    warehouse is no 'return received' to a customer who returned nothing (they heard
    'returned_to_sender'; a refund, if any, is told as one)."""
    received = [
        item.event.shipment_id
        for item in items
        if item.event.status is ShipmentStatus.RETURN_RECEIVED
    ]
    if not received:
        return set()
    in_batch = {
        item.event.shipment_id
        for item in items
        if item.event.status is ShipmentStatus.RETURNED_TO_SENDER
    }
    return in_batch | await store.told_of(conn, received, "returned_to_sender")


async def tell_cancelled(items: list[Item[OrderCancelled]], merge_window_s: float) -> None:
    """An order cancelled after its customer was known to us: they hear it once. One held
    before it was accepted never reached us, and its marketplace tells its buyer. One cancelled
    after a parcel left is not 'will not be shipped': it is on its way back or to them
    ('cancelled_after_shipment')."""
    conn = items[-1].unit.conn
    order_ids = [item.event.order_id for item in items]
    known = await store.known_orders(conn, order_ids)
    shipped = await store.shipped_orders(conn, [o for o in order_ids if o in known])
    await _queue(
        items,
        [
            store.News(
                order_id=item.event.order_id,
                shipment_id=item.event.order_id,
                kind="cancelled_after_shipment" if item.event.order_id in shipped else "cancelled",
                correlation_id=item.unit.correlation_id,
            )
            for item in items
            if item.event.order_id in known
        ],
        merge_window_s,
    )


async def tell_refunded(items: list[Item[OrderRefunded]], merge_window_s: float) -> None:
    """A refund with or without a return (a cancelled order, one never shipped, a goodwill
    partial refund): the customer of a known order hears each refund the channel names once,
    with what it gave back, so a second partial refund too; a refund status ("partially
    refunded") once per order and word, unless a named refund told it (a waiting status is
    superseded by the refund, which says more)."""
    conn = items[-1].unit.conn
    known = await store.known_orders(conn, [item.event.order_id for item in items])
    named = {item.event.order_id for item in items if item.event.refund_id}
    told_by_refund = named | await store.refunds_told_one_by_one(
        conn, [item.event.order_id for item in items if not item.event.refund_id]
    )
    await _queue(
        items,
        [
            _refund_news(item)
            for item in items
            if item.event.order_id in known
            and (item.event.refund_id or item.event.order_id not in told_by_refund)
        ],
        merge_window_s,
    )
    if named & known:
        await store.supersede_refund_statuses(conn, sorted(named & known))


def _refund_news(item: Item[OrderRefunded]) -> store.News:
    """Once per refund the channel named (its subject), else once per order and kind."""
    event = item.event
    return store.News(
        order_id=event.order_id,
        shipment_id=f"{event.order_id}:refund:{event.refund_id}"
        if event.refund_id
        else event.order_id,
        kind="partially_refunded" if event.partial else "refunded",
        correlation_id=item.unit.correlation_id,
        amount=event.amount,
        currency=event.currency,
    )


async def tell_backordered(items: list[Item[OrderBackordered]], merge_window_s: float) -> None:
    """Part of the order waits for stock: its customer hears it once per order, whichever of
    its shipments wait and however often it is re-planned (a later plan's shipments differ)."""
    await _queue(
        items,
        [
            store.News(
                order_id=item.event.order_id,
                shipment_id=item.event.order_id,
                kind="backordered",
                correlation_id=item.unit.correlation_id,
            )
            for item in items
            if item.event.lines
        ],
        merge_window_s,
    )


async def _queue(items: list[Item[Any]], news: list[store.News], merge_window_s: float) -> None:
    if not news:
        return
    for shipment_id, kind in await store.queue(items[-1].unit.conn, news, merge_window_s):
        log.info("notification.queued", shipment_id=shipment_id, kind=kind)
