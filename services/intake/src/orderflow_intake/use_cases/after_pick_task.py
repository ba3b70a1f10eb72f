"""A change after the pick task sent to the warehouse, waiting for its answer: in the order's
audit trail by fulfillment, so the order shows it pending (`GET /orders/{id}`'s
after_pick_task) until the answer comes (updates: note_shipments, note_address_*), or the
shipment ends without one (close_superseded)."""

from typing import Any, Protocol

from orderflow_contracts.fulfillment import (
    ChangeSentToWarehouse,
    ShipmentStatus,
    ShipmentStatusChanged,
)
from orderflow_runtime import Item, UnitOfWork

from orderflow_intake import store

# The audit action a request sent is kept as, by what it asks.
SENT = {"cancel": "cancel_sent", "address_change": "address_change_sent"}


class ShipmentNews(Protocol):
    @property
    def order_id(self) -> str: ...
    @property
    def shipment_id(self) -> str: ...
    @property
    def location_id(self) -> str: ...


async def note_answer(
    uow: UnitOfWork, news: ShipmentNews, action: str, reason: str, **detail: Any
) -> bool:
    """One piece of fulfillment's news about a shipment in the order's audit trail (with its
    shipment, location and reason); True if the order is intake's and it was noted."""
    entry = {"shipment_id": news.shipment_id, "location_id": news.location_id, "reason": reason}
    noted = await store.note_shipment_answers(uow.conn, [(news.order_id, action, entry | detail)])
    return bool(noted)


async def note_change_sent(uow: UnitOfWork, event: ChangeSentToWarehouse) -> None:
    reason = f"sent to the warehouse while {event.status}, no answer yet"
    if await note_answer(uow, event, SENT[event.request], reason):
        uow.log.info(
            "order.change_sent_to_warehouse",
            order_id=event.order_id,
            shipment_id=event.shipment_id,
            request=event.request,
        )


# A shipment's news after which its warehouse answers no change: it ended, one way or another.
ENDED = frozenset(
    {
        ShipmentStatus.CANCELLED,
        ShipmentStatus.REJECTED,
        ShipmentStatus.DELIVERED,
        ShipmentStatus.LOST,
        ShipmentStatus.RETURNED_TO_SENDER,
        ShipmentStatus.RESTOCKED,
        ShipmentStatus.WRITTEN_OFF,
    }
)

# The audit action that closes a request the shipment's end made moot, by the request sent.
_SUPERSEDED = {
    "cancel_sent": "cancel_superseded",
    "address_change_sent": "address_change_superseded",
}


async def close_superseded(items: list[Item[ShipmentStatusChanged]]) -> None:
    """A request still pending when its shipment ends (rejected instead of cancelled, cancelled
    before its new address was applied) is closed with what happened, after the answers of the
    same news are noted (a cancellation's `cancelled` answers it as stopped)."""
    ended = {
        (item.event.order_id, item.event.shipment_id): (item.event.status, item.unit)
        for item in items
        if ShipmentStatus(item.event.status) in ENDED
    }
    pending = await store.pending_requests(items[-1].unit.conn, list(ended))
    notes = []
    for request in pending:
        status, unit = ended[(request["order_id"], request["shipment_id"])]
        reason = f"superseded: shipment {ShipmentStatus(status).value.replace('_', ' ')}"
        detail = {
            "shipment_id": request["shipment_id"],
            "location_id": request["location_id"] or "",
            "reason": reason,
        }
        notes.append((request["order_id"], _SUPERSEDED[request["action"]], detail))
        unit.log.info(
            "order.change_superseded",
            order_id=request["order_id"],
            shipment_id=request["shipment_id"],
            request=request["action"],
            reason=reason,
        )
    await store.note_shipment_answers(items[-1].unit.conn, notes)
