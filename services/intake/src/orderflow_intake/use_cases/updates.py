"""Marketplace updates to known orders: cancellations, address and payment changes, the
shipment that turns a late cancellation into an exception, and fulfillment's answer to a
cancellation (stopped in time, or a return started) or an address change (too late)."""

from datetime import datetime
from typing import Any

import asyncpg
import structlog
from orderflow_contracts import topics
from orderflow_contracts.fulfillment import (
    AddressChangeApplied,
    AddressChangeTooLate,
    ShipmentStatus,
    ShipmentStatusChanged,
)
from orderflow_contracts.intake import (
    HoldReason,
    OrderAddressChanged,
    OrderCancelled,
    OrderPaymentCaptured,
)
from orderflow_contracts.marketplace import (
    MarketplaceAddressChanged,
    MarketplaceOrderCancelled,
    MarketplacePaymentChanged,
)
from orderflow_contracts.order import Address
from orderflow_runtime import Item, UnitOfWork

from orderflow_intake import adapters, store
from orderflow_intake.screening import ScreeningRules
from orderflow_intake.use_cases import after_pick_task, deliveries, refunds, versions
from orderflow_intake.use_cases.screen import held_event, json_value, parse_row, rescreen

log = structlog.get_logger()

SHIPPED = frozenset({ShipmentStatus.SHIPPED, ShipmentStatus.DELIVERED})


async def cancel_order(uow: UnitOfWork, event: MarketplaceOrderCancelled) -> None:
    row = await store.lock_order_by_key(uow.conn, event.channel, event.external_id)
    if row is None:
        payload = {"reason": event.reason, "version": _iso(event.version)}
        await _park(uow, "cancel", event.channel, event.external_id, payload)
        return
    await apply_cancel(uow, row, event.reason)


async def apply_cancel(
    uow: UnitOfWork, row: asyncpg.Record, reason: str, *, force: bool = False
) -> bool:
    """False when nothing changed. A shipped order is not silently cancelled: it becomes an
    exception, unless an operator forces it."""
    if row["status"] == "cancelled":
        return False
    if row["shipped_at"] is not None and not force:
        return await hold_for(
            uow, row, "cancel_after_shipment", f"cancelled after shipment: {reason or 'no reason'}"
        )
    await store.cancel(uow.conn, row["order_id"], reason)
    uow.emit(
        topics.ORDERS,
        row["order_id"],
        OrderCancelled(
            order_id=row["order_id"],
            channel=row["channel"],
            external_id=row["external_id"],
            reason=reason,
        ),
        correlation_id=row["correlation_id"],
    )
    log.info("order.cancelled", order_id=row["order_id"], reason=reason)
    return True


async def hold_for(uow: UnitOfWork, row: asyncpg.Record, code: str, detail: str) -> bool:
    """Hold the order for an operator with one reason; False when it is held for it already."""
    if code in {hold.code for hold in await store.open_holds(uow.conn, row["order_id"])}:
        return False  # said already: a second delivery of the same update is a no-op
    await store.hold(uow.conn, row["order_id"], [HoldReason(code=code, detail=detail)])
    everything = await store.open_holds(uow.conn, row["order_id"])
    order = store.canonical_of(row)
    uow.emit(
        topics.ORDERS,
        order.order_id,
        held_event(order, everything),
        correlation_id=row["correlation_id"],
    )
    log.info("order.held", order_id=order.order_id, reasons=[code])
    return True


async def change_address(
    uow: UnitOfWork, event: MarketplaceAddressChanged, rules: ScreeningRules
) -> None:
    await address_update(uow, event, rules)


async def address_update(
    uow: UnitOfWork, event: MarketplaceAddressChanged, rules: ScreeningRules
) -> str:
    """Why the update was set aside (older than the order's version), else ""."""
    row = await store.lock_order_by_key(uow.conn, event.channel, event.external_id)
    if row is None:
        payload = {"ship_to": event.ship_to.model_dump(mode="json"), "version": _iso(event.version)}
        await _park(uow, "address", event.channel, event.external_id, payload)
        return ""
    if stale := await versions.set_aside_if_stale(uow, row, event):
        return stale
    await versions.advance(uow.conn, row, event.version)
    if event.ship_to == _channel_ship_to(row):
        # Channels resend the whole order (Shopify's orders/updated): the address they sent
        # before is no change, and must not undo an operator's correction or, after shipment,
        # raise a false exception.
        log.info("update.unchanged", kind="address", order_id=row["order_id"])
        return ""
    await store.set_channel_ship_to(uow.conn, row["order_id"], event.ship_to)
    await apply_address(uow, row, event.ship_to, rules)
    return ""


def _channel_ship_to(row: asyncpg.Record) -> Address:
    """The last address the channel sent: its latest address change, else its order's."""
    if row["channel_ship_to"] is not None:
        return Address.model_validate_json(row["channel_ship_to"])
    return adapters.parse(row["channel"], json_value(row["raw_payload"])).ship_to


async def apply_address(
    uow: UnitOfWork, row: asyncpg.Record, ship_to: Address, rules: ScreeningRules
) -> bool:
    """False when nothing changed (the same address again, or a cancelled order)."""
    order = store.canonical_of(row)
    if row["status"] == "cancelled" or order.ship_to == ship_to:
        return False
    if row["shipped_at"] is not None:
        return await hold_for(
            uow, row, "address_change_after_shipment", f"new address after shipment: {ship_to}"
        )
    await store.set_ship_to(uow.conn, row["order_id"], ship_to)
    if row["accepted_at"] is not None:  # the other services know the order: tell them
        uow.emit(
            topics.ORDERS,
            row["order_id"],
            OrderAddressChanged(
                order_id=row["order_id"],
                channel=row["channel"],
                external_id=row["external_id"],
                ship_to=ship_to,
            ),
            correlation_id=row["correlation_id"],
        )
    log.info("order.address_changed", order_id=row["order_id"], country=ship_to.country)
    await rescreen(uow, await _reload(uow, row), rules)
    return True


async def change_payment(
    uow: UnitOfWork, event: MarketplacePaymentChanged, rules: ScreeningRules
) -> None:
    await payment_update(uow, event, rules)


async def payment_update(
    uow: UnitOfWork, event: MarketplacePaymentChanged, rules: ScreeningRules
) -> str:
    """Why the update was set aside (older than the order's version), else ""."""
    if refund := refunds.of_payment(event):
        await refunds.record(uow, event.channel, event.external_id, refund)
    row = await store.lock_order_by_key(uow.conn, event.channel, event.external_id)
    if row is None:
        payload = {
            "captured": event.captured,
            "status": event.status,
            "version": _iso(event.version),
        }
        await _park(uow, "payment", event.channel, event.external_id, payload)
        return ""
    if stale := await versions.set_aside_if_stale(uow, row, event):
        return stale
    await versions.advance(uow.conn, row, event.version)
    if row["status"] == "cancelled" or parse_row(row).payment_captured == event.captured:
        return ""
    await store.set_payment(uow.conn, row["order_id"], event.captured)
    if event.captured:
        uow.emit(
            topics.ORDERS,
            row["order_id"],
            OrderPaymentCaptured(
                order_id=row["order_id"], channel=row["channel"], external_id=row["external_id"]
            ),
            correlation_id=row["correlation_id"],
        )
    log.info("order.payment_changed", order_id=row["order_id"], captured=event.captured)
    await rescreen(uow, await _reload(uow, row), rules)
    return ""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def _park(
    uow: UnitOfWork, kind: str, channel: str, external_id: str, payload: dict[str, Any]
) -> None:
    await store.park(uow.conn, kind, channel, external_id, payload)
    log.info("update.parked", kind=kind, channel=channel, external_id=external_id)


async def _reload(uow: UnitOfWork, row: asyncpg.Record) -> asyncpg.Record:
    fresh = await store.lock_order(uow.conn, row["order_id"])
    assert fresh is not None
    return fresh


async def note_shipments(items: list[Item[ShipmentStatusChanged]]) -> None:
    """Intake needs to know an order left the warehouse: a later cancellation is an exception.
    A poll's news in one statement: most of it is about orders already known to have left."""
    left = {
        item.event.order_id: item.unit.correlation_id
        for item in items
        if ShipmentStatus(item.event.status) in SHIPPED
    }
    for order_id in await store.mark_shipped(items[-1].unit.conn, list(left)):
        log.info("order.shipped", order_id=order_id, correlation_id=left[order_id])
    await deliveries.note_delivered(items)
    await _note_warehouse_answers(items)
    await after_pick_task.close_superseded(items)


# The warehouse's answer to a cancellation: stopped in time, or too late (it left: its return
# starts). A return an operator starts for a refund is the order's news too.
_ANSWERS = {
    ShipmentStatus.CANCELLED: "shipment_stopped",
    ShipmentStatus.RETURN_REQUESTED: "return_started",
}

# The news intake acts on: a shipment's first (a parcel on its way), its departure, its end one
# way or another, and the answers above. Fulfillment announces each shipment's pick_requested
# first and its shipped before any carrier news, so the steps in between change nothing here:
# the warehouse's before it left, the carrier's in transit and passing exceptions, a return's
# until it is restocked or written off.
_ORDER_NEWS = {ShipmentStatus.PICK_REQUESTED} | SHIPPED | after_pick_task.ENDED | _ANSWERS.keys()


def is_order_news(event: ShipmentStatusChanged) -> bool:
    return event.status in _ORDER_NEWS


async def note_address_too_late(uow: UnitOfWork, event: AddressChangeTooLate) -> None:
    """The new address came after the shipment left: it goes to the old one. In the order's
    audit trail by fulfillment, for the operator to follow up with the buyer or carrier."""
    reason = f"too late to relabel: already {event.status}"
    tracking_number = event.tracking_number
    if await after_pick_task.note_answer(
        uow, event, "address_change_too_late", reason, tracking_number=tracking_number
    ):
        uow.log.warning(
            "order.address_change_too_late", order_id=event.order_id, shipment_id=event.shipment_id
        )


async def note_address_relabelled(uow: UnitOfWork, event: AddressChangeApplied) -> None:
    """The warehouse relabelled the shipment for the new address before it left: in the
    order's audit trail by fulfillment, so the order shows the change was made in time."""
    reason = f"relabelled by the warehouse while {event.status}"
    if await after_pick_task.note_answer(uow, event, "address_relabelled", reason):
        uow.log.info(
            "order.address_relabelled", order_id=event.order_id, shipment_id=event.shipment_id
        )


async def _note_warehouse_answers(items: list[Item[ShipmentStatusChanged]]) -> None:
    """Each answer in the order's audit trail, by fulfillment (GET /orders/{id}/audit)."""
    notes = [
        (item.event, _ANSWERS[ShipmentStatus(item.event.status)], item.unit)
        for item in items
        if ShipmentStatus(item.event.status) in _ANSWERS
    ]
    noted = await store.note_shipment_answers(
        items[-1].unit.conn,
        [
            (
                news.order_id,
                action,
                {
                    "shipment_id": news.shipment_id,
                    "location_id": news.location_id,
                    "reason": news.reason,
                },
            )
            for news, action, _ in notes
        ],
    )
    for news, action, unit in notes:
        if news.order_id in noted:
            unit.log.info(f"order.{action}", order_id=news.order_id, shipment_id=news.shipment_id)
