"""Screening, always from the stored raw payload plus the updates since: the canonical order,
its hold reasons, and the status and events that follow from them."""

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import asyncpg
import structlog
from orderflow_contracts import topics
from orderflow_contracts.intake import HoldReason, OrderAccepted, OrderHeld
from orderflow_contracts.order import Address, CanonicalOrder
from orderflow_runtime import UnitOfWork

from orderflow_intake import adapters, domain, store
from orderflow_intake.domain import Components
from orderflow_intake.screening import (
    SCREENING_CODES,
    ScreeningRules,
    customer_key,
    duplicate_reason,
)
from orderflow_intake.use_cases import refunds

log = structlog.get_logger()


async def screen(
    conn: asyncpg.Connection,
    parsed: adapters.ParsedOrder,
    rules: ScreeningRules,
    *,
    received_before: datetime | None = None,
    waived: frozenset[str] = frozenset(),
) -> tuple[CanonicalOrder, list[HoldReason]]:
    """The canonical order and every reason to hold it, under today's listings and rules."""
    skus = [line.channel_sku for line in parsed.lines]
    listings = await store.listings_for(conn, parsed.channel, skus)
    item_ids = [line.channel_item_id for line in parsed.lines if line.channel_item_id]
    by_item = await store.item_listings_for(conn, parsed.channel, item_ids) if item_ids else {}
    attributes = await attributes_for(conn, rules, [*listings.values(), *by_item.values()])
    customer = customer_key(parsed.channel, parsed.customer)
    recent = await store.recent_orders_of(
        conn, customer, parsed.placed_at, rules.duplicate_window, received_before=received_before
    )
    order, reasons = screen_with(
        parsed, listings, recent, rules, by_item=by_item, attributes=attributes
    )
    return order, [reason for reason in reasons if reason.code not in waived]


def screen_with(
    parsed: adapters.ParsedOrder,
    listings: Mapping[str, Components],
    recent: Iterable[CanonicalOrder],
    rules: ScreeningRules,
    *,
    by_item: Mapping[str, Components] | None = None,
    attributes: Mapping[str, frozenset[str]] | None = None,
) -> tuple[CanonicalOrder, list[HoldReason]]:
    """Screening itself, pure: what the queries above (or a batch's) found is passed in.
    `attributes`: the products' (attributes_for); the setup's when not given."""
    order, reasons = domain.canonicalise(parsed, listings, rules.postal_codes, by_item)
    known = rules.attributes if attributes is None else attributes
    reasons.extend(rules.restricted.reasons(order, known))
    duplicate = duplicate_reason(order, recent, rules.duplicate_window)
    if duplicate is not None:
        reasons.append(duplicate)
    return order, reasons


async def attributes_for(
    conn: asyncpg.Connection, rules: ScreeningRules, listings: Iterable[Components]
) -> dict[str, frozenset[str]]:
    """The screening attributes of the master SKUs these listings ship: the seller setup's,
    and the API's products (PUT /products/{sku}) over them."""
    skus = {sku for components in listings for sku, _ in components}
    return {**rules.attributes, **await store.attributes_of(conn, skus)}


def parse_row(row: asyncpg.Record) -> adapters.ParsedOrder:
    """The order as parsed from its stored payload, with the changes that arrived since."""
    parsed = adapters.parse(row["channel"], json_value(row["raw_payload"]))
    changes: dict[str, Any] = {}
    if row["ship_to_override"] is not None:
        changes["ship_to"] = Address.model_validate_json(row["ship_to_override"])
    if row["payment_captured"] is not None:
        changes["payment_captured"] = row["payment_captured"]
    return parsed.model_copy(update=changes)


async def rescreen(
    uow: UnitOfWork, row: asyncpg.Record, rules: ScreeningRules, *, replanned: bool = False
) -> str:
    """`replanned`: routing gave up on the order and will plan it again from the OrderAccepted
    this sends, so it takes the lines the payload reads now (e.g. after a listing fix)."""
    parsed = parse_row(row)
    order, reasons = await screen(
        uow.conn,
        parsed,
        rules,
        received_before=row["received_at"],
        waived=frozenset(row["waived"]),
    )
    if row["accepted_at"] is not None and not replanned:
        order = as_routed(order, store.canonical_of(row))
    return await settle(uow, row, order, reasons)


def as_routed(order: CanonicalOrder, known: CanonicalOrder) -> CanonicalOrder:
    """Once accepted, an order keeps the lines and currency routing planned it with: routing
    plans an order once, so lines rebuilt later (a new listing, an adapter fix) would change
    intake's view and nothing else. A re-parse that reads other lines holds the order instead
    (use_cases/reparse.py)."""
    return order.model_copy(update={"lines": known.lines, "currency": known.currency})


async def settle(
    uow: UnitOfWork, row: asyncpg.Record, order: CanonicalOrder, reasons: list[HoldReason]
) -> str:
    """Bring the order's status and holds in line with a fresh screening, and tell the others
    what changed: OrderHeld for new reasons, OrderAccepted when it leaves the queue."""
    conn, order_id = uow.conn, order.order_id
    open_codes = {hold.code for hold in await store.open_holds(conn, order_id)}
    new_codes = {reason.code for reason in reasons}
    await store.resolve_holds(conn, order_id, (open_codes & SCREENING_CODES) - new_codes)
    await store.save_canonical(conn, order)
    correlation_id = row["correlation_id"]
    if reasons:
        await store.hold(conn, order_id, reasons)
        if new_codes - open_codes or row["status"] != "held":
            everything = await store.open_holds(conn, order_id)
            uow.emit(
                topics.ORDERS,
                order_id,
                held_event(order, everything),
                correlation_id=correlation_id,
            )
            log.info("order.held", order_id=order_id, reasons=[r.code for r in everything])
        return "held"
    if open_codes - SCREENING_CODES:
        return "held"  # an operator still has to look at it (unroutable, cancel after shipment)
    await store.accept(conn, order_id)
    if row["status"] == "held" and row["shipped_at"] is None:
        uow.emit(topics.ORDERS, order_id, OrderAccepted(order=order), correlation_id=correlation_id)
        log.info("order.accepted", order_id=order_id, channel=order.channel, lines=len(order.lines))
        await refunds.tell_waiting(uow, row)
    if row["delivered_at"] is not None:
        return "delivered"
    return "accepted" if row["shipped_at"] is None else "shipped"


def held_event(order: CanonicalOrder, reasons: list[HoldReason]) -> OrderHeld:
    return OrderHeld(
        order_id=order.order_id,
        channel=order.channel,
        external_id=order.external_id,
        reasons=tuple(reasons),
    )


def json_value(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
