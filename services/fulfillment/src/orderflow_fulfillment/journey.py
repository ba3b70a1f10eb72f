"""One piece of news applied to one shipment, and the news told on: the step every use case of
a shipment's journey shares."""

from typing import Literal

from orderflow_contracts import topics
from orderflow_contracts.fulfillment import (
    AddressChangeTooLate,
    ChangeSentToWarehouse,
    ShipmentStatus,
    ShipmentStatusChanged,
)
from orderflow_runtime import UnitOfWork

from orderflow_fulfillment import domain, store, uploads


def advance(
    uow: UnitOfWork,
    book: store.ShipmentBook,
    shipment: store.Shipment,
    new: ShipmentStatus,
    tracking_number: str = "",
    *,
    note: str = "",
    reason: str = "",
) -> bool:
    """Apply one piece of news to the shipment; True if it moved it. News that skips warehouse
    steps moves it, the skipped steps kept in its history as implied; a step it has passed is
    kept as late and impossible news as refused, with why, neither applied."""
    current = shipment.status
    verdict = domain.transition(current, new)
    if verdict is domain.Transition.REPEATED:
        return False
    if verdict in (domain.Transition.LATE, domain.Transition.REFUSED):
        _keep_unapplied(uow, book, shipment, new, verdict, note)
        return False
    for step in domain.implied_steps(current, new):
        book.record(shipment, step, accepted=True, note=f"implied: {new.value} reported without it")
    if verdict is domain.Transition.SKIPS:
        uow.log.info(
            "shipment.steps_implied",
            shipment_id=shipment.shipment_id,
            current=current.value,
            new=new.value,
        )
    book.change(shipment, new, tracking_number, note=note)
    announce(uow, book, shipment, reason)
    return True


def _keep_unapplied(
    uow: UnitOfWork,
    book: store.ShipmentBook,
    shipment: store.Shipment,
    new: ShipmentStatus,
    verdict: domain.Transition,
    note: str,
) -> None:
    """News not applied, in the shipment's history with why: late (a step it passed, e.g. a
    'picked' after 'shipped') or impossible from where it is."""
    current = shipment.status.value
    if verdict is domain.Transition.LATE:
        why = f"late: already {current}, ignored"
    else:
        why = f"impossible after {current}"
    book.record(shipment, new, accepted=False, note=why + (f": {note}" if note else ""))
    late = verdict is domain.Transition.LATE
    (uow.log.info if late else uow.log.warning)(
        "shipment.news_late" if late else "shipment.transition_refused",
        shipment_id=shipment.shipment_id,
        current=current,
        new=new.value,
    )


def announce(
    uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment, reason: str = ""
) -> None:
    uow.emit(
        topics.FULFILLMENT_STATUS,
        shipment.order_id,
        ShipmentStatusChanged(
            order_id=shipment.order_id,
            shipment_id=shipment.shipment_id,
            location_id=shipment.location_id,
            status=shipment.status,
            carrier=shipment.carrier,
            tracking_number=shipment.tracking_number,
            lines=shipment.lines,
            reason=reason,
        ),
    )
    uow.log.info(
        "shipment.status_changed",
        order_id=shipment.order_id,
        shipment_id=shipment.shipment_id,
        status=shipment.status.value,
    )
    if shipment.status is ShipmentStatus.SHIPPED:
        uploads.upload_shipped(uow, book, shipment)


def start_return(
    uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment, reason: str
) -> bool:
    """The return flow for a shipment that left: requested, with its (refund) reason kept."""
    if shipment.status not in domain.RETURNABLE:
        return False
    shipment.return_reason = reason
    book.touch(shipment)
    return advance(uow, book, shipment, ShipmentStatus.RETURN_REQUESTED, note=reason, reason=reason)


def tell_address_too_late(uow: UnitOfWork, shipment: store.Shipment) -> None:
    """The buyer's new address did not make it onto the parcel: it goes to the old one."""
    uow.emit(
        topics.FULFILLMENT_STATUS,
        shipment.order_id,
        AddressChangeTooLate(
            order_id=shipment.order_id,
            shipment_id=shipment.shipment_id,
            location_id=shipment.location_id,
            status=shipment.status,
            tracking_number=shipment.tracking_number,
        ),
    )


def tell_sent_to_warehouse(
    uow: UnitOfWork, shipment: store.Shipment, request: Literal["cancel", "address_change"]
) -> None:
    """A change is on its way to the warehouse, its answer to come: intake shows it pending."""
    uow.emit(
        topics.FULFILLMENT_STATUS,
        shipment.order_id,
        ChangeSentToWarehouse(
            order_id=shipment.order_id,
            shipment_id=shipment.shipment_id,
            location_id=shipment.location_id,
            request=request,
            status=shipment.status,
        ),
    )
