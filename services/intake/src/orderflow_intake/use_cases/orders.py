"""New marketplace orders, and orders routing gave up on."""

from typing import Any

import asyncpg
import structlog
from orderflow_contracts import topics
from orderflow_contracts.intake import HoldReason, OrderAccepted
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.order import Address
from orderflow_contracts.routing import OrderUnroutable
from orderflow_runtime import Item, UnitOfWork

from orderflow_intake import adapters, store
from orderflow_intake.domain import Components
from orderflow_intake.screening import ScreeningRules, customer_key
from orderflow_intake.store import batch
from orderflow_intake.use_cases.screen import (
    attributes_for,
    held_event,
    json_value,
    screen,
    screen_with,
    settle,
)
from orderflow_intake.use_cases.updates import apply_cancel

log = structlog.get_logger()


async def take_marketplace_order(
    uow: UnitOfWork, payload: dict[str, Any], parsed: adapters.ParsedOrder, rules: ScreeningRules
) -> None:
    """One new order, with the updates that arrived before it (parked)."""
    conn = uow.conn
    parked = await store.parked_for(conn, parsed.channel, parsed.external_id)
    ship_to, captured, cancelled = _fold(parked)
    changes: dict[str, Any] = {}
    if ship_to is not None:
        changes["ship_to"] = ship_to
    if captured is not None:
        changes["payment_captured"] = captured
    order, reasons = await screen(conn, parsed.model_copy(update=changes), rules)
    inserted = await store.insert_order(
        conn,
        order,
        correlation_id=uow.correlation_id,
        raw_payload=payload,
        ship_to_override=ship_to,
        payment_captured=captured,
    )
    if not inserted:
        log.info("order.duplicate", channel=order.channel, external_id=order.external_id)
        return
    await store.drop_parked(conn, [update["update_id"] for update in parked])
    row = await store.lock_order(conn, order.order_id)
    assert row is not None
    if cancelled is not None:
        await apply_cancel(uow, row, cancelled)
        return
    await settle(uow, row, order, reasons)


Fresh = list[tuple[Item[MarketplaceOrderPublished], adapters.ParsedOrder]]


async def take_new_orders(fresh: Fresh, rules: ScreeningRules) -> None:
    """New orders screened together: one read each of listings and the customers' recent
    orders, one insert of the screened orders and their holds."""
    conn = fresh[-1][0].unit.conn
    listings, by_item = await _listings_of(conn, [order for _, order in fresh])
    attributes = await attributes_for(
        conn,
        rules,
        [c for found in (listings, by_item) for m in found.values() for c in m.values()],
    )
    recent = await batch.recent_orders_by_customer(
        conn,
        [customer_key(order.channel, order.customer) for _, order in fresh],
        [order.placed_at for _, order in fresh],
        rules.duplicate_window,
    )
    screened = []
    for item, parsed in fresh:
        customer = customer_key(parsed.channel, parsed.customer)
        order, reasons = screen_with(
            parsed,
            listings.get(parsed.channel, {}),
            recent.get(customer, []),
            rules,
            by_item=by_item.get(parsed.channel, {}),
            attributes=attributes,
        )
        recent.setdefault(customer, []).append(order)  # later orders of the poll come after it
        reasons.sort(key=lambda reason: reason.code)
        screened.append(
            batch.Screened(order, reasons, item.unit.correlation_id, item.event.payload)
        )
    inserted = await batch.insert_screened(conn, screened)
    for (item, _), outcome in zip(fresh, screened, strict=True):
        order = outcome.order
        if order.order_id not in inserted:
            continue
        if outcome.reasons:
            item.unit.emit(topics.ORDERS, order.order_id, held_event(order, outcome.reasons))
            codes = [reason.code for reason in outcome.reasons]
            item.unit.log.info("order.held", order_id=order.order_id, reasons=codes)
        else:
            item.unit.emit(topics.ORDERS, order.order_id, OrderAccepted(order=order))
            item.unit.log.info(
                "order.accepted",
                order_id=order.order_id,
                channel=order.channel,
                lines=len(order.lines),
            )


async def _listings_of(
    conn: asyncpg.Connection, orders: list[adapters.ParsedOrder]
) -> tuple[dict[str, dict[str, Components]], dict[str, dict[str, Components]]]:
    """channel -> channel SKU -> master SKUs, and channel -> item id -> master SKUs (lines
    without a seller SKU), for every line of the orders."""
    lines = [(order.channel, line) for order in orders for line in order.lines]
    listings = await batch.listings_by_channel(
        conn, {(channel, line.channel_sku) for channel, line in lines}
    )
    by_item = await batch.item_listings_by_channel(
        conn, {(channel, line.channel_item_id) for channel, line in lines if line.channel_item_id}
    )
    return listings, by_item


def _fold(parked: list[asyncpg.Record]) -> tuple[Address | None, bool | None, str | None]:
    """Updates that arrived before their order, latest wins: (ship to, captured, cancelled)."""
    ship_to: Address | None = None
    captured: bool | None = None
    cancelled: str | None = None
    for update in parked:
        payload = json_value(update["payload"])
        if update["kind"] == "address":
            ship_to = Address.model_validate(payload["ship_to"])
        elif update["kind"] == "payment":
            captured = bool(payload["captured"])
        elif update["kind"] == "cancel":
            cancelled = str(payload.get("reason", ""))
    return ship_to, captured, cancelled


async def hold_unroutable_order(uow: UnitOfWork, event: OrderUnroutable) -> None:
    """Routing gave up: the order joins the exception queue for an operator."""
    reason = HoldReason(code="unroutable", detail=event.reason)
    if await store.hold(uow.conn, event.order_id, [reason]):
        log.info("order.held", order_id=event.order_id, reasons=["unroutable"])
