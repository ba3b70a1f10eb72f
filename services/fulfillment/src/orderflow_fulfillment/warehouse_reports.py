"""A warehouse's reports of its shipments: a 3PL's acceptance, rejection or short pick, the
journey to the dock, its answer to a new address, and returns received, restocked or written
off. A report that does not
match the shipment it names (no such shipment, no location or another location's, lines it
does not hold) is refused and kept with the reason."""

from collections import Counter

import asyncpg
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import AddressChangeApplied, PickTaskRejected, ShipmentStatus
from orderflow_contracts.order import OrderLine
from orderflow_contracts.warehouse import WarehouseReported
from orderflow_runtime import Item, UnitOfWork

from orderflow_fulfillment import store
from orderflow_fulfillment.journey import advance, start_return, tell_address_too_late

Refused = tuple[WarehouseReported, str, str]  # the report, why, its correlation id


async def apply_warehouse_reports(items: list[Item[WarehouseReported]]) -> None:
    """A poll's warehouse reports, applied in the order they were read, written at once."""
    conn = items[-1].unit.conn
    book = await store.ShipmentBook.load(conn, shipment_ids=[i.event.shipment_id for i in items])
    shipped: list[tuple[UnitOfWork, store.Shipment]] = []
    refused: list[Refused] = []
    for item in items:
        report, uow = item.event, item.unit
        shipment = book.by_id.get(report.shipment_id)
        why = mismatch(report, shipment)
        if why or shipment is None:
            refused.append((report, why, uow.correlation_id))
            uow.log.warning("warehouse_report.refused", shipment_id=report.shipment_id, why=why)
            continue
        if report.status == "short_picked":
            why = _short_pick(uow, book, shipment, report)
        elif report.status == "address_changed":
            why = _address_changed(uow, book, shipment)
        elif report.status == "rejected":
            _reject(uow, book, shipment, shipment.lines, report.reason or "no reason given")
        elif _apply(uow, book, shipment, report) and shipment.status is ShipmentStatus.SHIPPED:
            shipped.append((uow, shipment))
        if why:
            refused.append((report, why, uow.correlation_id))
    await _apply_parked_tracking(conn, book, shipped)
    await book.save(conn)
    await store.refuse_reports(conn, refused)


def mismatch(report: WarehouseReported, shipment: store.Shipment | None) -> str:
    """Why the report cannot be about this shipment; empty if it can."""
    if shipment is None:
        return "no such shipment"
    if not report.location_id:
        # Topics are shared by every warehouse: a report that does not say where it comes from
        # cannot be told from another warehouse's report of the same shipment.
        return (
            "no location: a report must name its location (location_id),"
            f" {shipment.location_id} here"
        )
    if report.location_id != shipment.location_id:
        return (
            f"reported by location {report.location_id}, but the shipment is at"
            f" {shipment.location_id}"
        )
    if report.order_id != shipment.order_id:
        return f"reported for order {report.order_id}, but the shipment is {shipment.order_id}'s"
    return ""


def _apply(
    uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment, report: WarehouseReported
) -> bool:
    status = ShipmentStatus(report.status)
    note = report.reason if status in (ShipmentStatus.WRITTEN_OFF, ShipmentStatus.RESTOCKED) else ""
    moved = advance(
        uow, book, shipment, status, report.tracking_number, note=note, reason=report.reason
    )
    if moved and status is ShipmentStatus.SHIPPED and shipment.cancel_requested:
        _shipped_though_cancelled(uow, book, shipment)
    if moved and status is ShipmentStatus.SHIPPED and shipment.address_change_requested:
        _shipped_to_the_old_address(uow, book, shipment)
    if moved and status is ShipmentStatus.CANCELLED and not shipment.cancel_requested:
        _cancelled_unasked(uow, book, shipment, report.reason)
    return moved


def _address_changed(uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment) -> str:
    """The warehouse relabelled the parcel for the new address it was sent. Returns why the
    report is refused, or empty."""
    if not shipment.address_change_requested:
        return f"an address change nobody asked for, or answered already ({shipment.status.value})"
    book.await_address_change(shipment, waiting=False)
    book.note(shipment, "the warehouse relabelled it for the new address")
    uow.emit(
        topics.FULFILLMENT_STATUS,
        shipment.order_id,
        AddressChangeApplied(
            order_id=shipment.order_id,
            shipment_id=shipment.shipment_id,
            location_id=shipment.location_id,
            status=shipment.status,
        ),
    )
    uow.log.info(
        "shipment.address_changed", order_id=shipment.order_id, shipment_id=shipment.shipment_id
    )
    return ""


def _shipped_to_the_old_address(
    uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment
) -> None:
    """It shipped before the warehouse answered the new address: it goes to the old one."""
    book.await_address_change(shipment, waiting=False)
    book.note(shipment, "shipped before the warehouse relabelled it: it goes to the old address")
    uow.log.warning(
        "shipment.address_change_too_late",
        order_id=shipment.order_id,
        shipment_id=shipment.shipment_id,
    )
    tell_address_too_late(uow, shipment)


def _cancelled_unasked(
    uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment, reason: str
) -> None:
    """The warehouse stopped a shipment nobody asked it to stop: the order still wants its
    lines, so they are told on for a re-plan as a rejection's are."""
    why = f"cancelled by the warehouse, unasked: {reason or 'no reason given'}"
    book.note(shipment, f"{why}; re-planned elsewhere")
    _tell_rejected(uow, shipment, shipment.lines, why, short_pick=False)


def _shipped_though_cancelled(
    uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment
) -> None:
    """Too late to stop: the parcel is on its way, so its return starts now."""
    book.note(
        shipment, "shipped after the order was cancelled: too late to stop, a return is needed"
    )
    uow.log.warning(
        "shipment.shipped_after_cancellation",
        order_id=shipment.order_id,
        shipment_id=shipment.shipment_id,
    )
    start_return(uow, book, shipment, "order cancelled before it shipped")


def _short_pick(
    uow: UnitOfWork, book: store.ShipmentBook, shipment: store.Shipment, report: WarehouseReported
) -> str:
    """The shipment goes on with what was picked; the lines short are re-planned. Returns why
    the report is refused, or empty."""
    if shipment.status not in (ShipmentStatus.PICK_REQUESTED, ShipmentStatus.ACCEPTED):
        return f"a short pick after {shipment.status.value}"
    short = Counter({line.sku: line.quantity for line in report.lines})
    held = Counter({line.sku: line.quantity for line in shipment.lines})
    if not short or any(held[sku] < units for sku, units in short.items()):
        return "short lines that are not the shipment's: " + _describe(report.lines)
    reason = report.reason or "picked short"
    if short == held:
        _reject(uow, book, shipment, shipment.lines, reason, short_pick=True)
        return ""
    missing = _with_units(shipment.lines, short)
    shipment.lines = _with_units(shipment.lines, held - short)
    book.touch(shipment)
    note = f"picked short ({reason}): {_describe(missing)} re-planned elsewhere"
    advance(uow, book, shipment, ShipmentStatus.PICKED, note=note, reason=reason)
    if not shipment.cancel_requested:
        _tell_rejected(uow, shipment, missing, reason, short_pick=True)
    return ""


def _with_units(lines: tuple[OrderLine, ...], units: Counter[str]) -> tuple[OrderLine, ...]:
    """The shipment's lines (their prices kept) with these units, those with none left out."""
    return tuple(
        line.model_copy(update={"quantity": units[line.sku], "line_total": None})
        for line in lines
        if units[line.sku]
    )


def _reject(
    uow: UnitOfWork,
    book: store.ShipmentBook,
    shipment: store.Shipment,
    lines: tuple[OrderLine, ...],
    reason: str,
    short_pick: bool = False,
) -> None:
    if not advance(uow, book, shipment, ShipmentStatus.REJECTED, note=reason, reason=reason):
        return
    if shipment.cancel_requested:  # the order is cancelled: nothing to re-plan
        book.note(shipment, "rejected after the order was cancelled: not re-planned")
        return
    _tell_rejected(uow, shipment, lines, reason, short_pick=short_pick)


def _tell_rejected(
    uow: UnitOfWork,
    shipment: store.Shipment,
    lines: tuple[OrderLine, ...],
    reason: str,
    *,
    short_pick: bool,
) -> None:
    uow.emit(
        topics.FULFILLMENT_STATUS,
        shipment.order_id,
        PickTaskRejected(
            order_id=shipment.order_id,
            shipment_id=shipment.shipment_id,
            location_id=shipment.location_id,
            lines=lines,
            reason=reason,
            short_pick=short_pick,
        ),
    )
    uow.log.warning(
        "pick_task.rejected",
        order_id=shipment.order_id,
        shipment_id=shipment.shipment_id,
        location_id=shipment.location_id,
        short_pick=short_pick,
        reason=reason,
    )


def _describe(lines: tuple[OrderLine, ...]) -> str:
    return ", ".join(f"{line.quantity} x {line.sku}" for line in lines) or "none"


async def _apply_parked_tracking(
    conn: asyncpg.Connection,
    book: store.ShipmentBook,
    shipped: list[tuple[UnitOfWork, store.Shipment]],
) -> None:
    """The carrier can be faster than the warehouse's "shipped": its news waited for this."""
    parked = await store.take_parked_tracking(conn, [s.tracking_number for _, s in shipped])
    for unit, shipment in shipped:
        for status in parked.get(shipment.tracking_number, []):
            advance(unit, book, shipment, status)
