"""A change after the pick task sent to the warehouse, waiting for its answer: in the order's
audit trail by fulfillment, so the order shows it pending (`GET /orders/{id}`'s
after_pick_task) until the answer comes (updates: note_shipments, note_address_*)."""

from orderflow_contracts.fulfillment import ChangeSentToWarehouse
from orderflow_runtime import UnitOfWork

from orderflow_intake import store

# The audit action a request sent is kept as, by what it asks.
SENT = {"cancel": "cancel_sent", "address_change": "address_change_sent"}


async def note_change_sent(uow: UnitOfWork, event: ChangeSentToWarehouse) -> None:
    detail = {
        "shipment_id": event.shipment_id,
        "location_id": event.location_id,
        "reason": f"sent to the warehouse while {event.status}, no answer yet",
    }
    noted = await store.note_shipment_answers(
        uow.conn, [(event.order_id, SENT[event.request], detail)]
    )
    if noted:
        uow.log.info(
            "order.change_sent_to_warehouse",
            order_id=event.order_id,
            shipment_id=event.shipment_id,
            request=event.request,
        )
