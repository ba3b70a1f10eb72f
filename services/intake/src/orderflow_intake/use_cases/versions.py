"""Updates apply in the channel's version order, not in the order they arrive. Each channel tells
its order's version (adapters: Shopify `updated_at`, Amazon `LastUpdateDate`, Shopee and TikTok
Shop `update_time`, AliExpress `gmt_modified`); intake holds the latest it applied
(`orders.channel_version`, else the version of the order's own payload). An address or payment
update older than it is set aside: recorded in the order's audit with the update itself
(GET /orders/{id}/audit), logged, and ignored, so a late orders/updated cannot send the parcel
to the old address. A cancellation always applies: no channel takes one back, and a newer
version may well be the cancelled order's. Updates without a version (the channel tells none)
apply in arrival order, as before.

A channel order sent again (a re-sent orders/create, a re-fetched order) is no silent
duplicate: the same payload is, but one that differs is audited and read as an update of that
version (its address and payment); lines or currency that differ hold the order for an
operator, since routing planned it with the old ones."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
import structlog
from orderflow_contracts import Event
from orderflow_contracts.marketplace import (
    MarketplaceAddressChanged,
    MarketplaceOrderCancelled,
    MarketplacePaymentChanged,
)
from orderflow_runtime import UnitOfWork

from orderflow_intake import adapters, store
from orderflow_intake.domain import order_id_for
from orderflow_intake.store.versions import set_channel_version
from orderflow_intake.use_cases.screen import json_value

log = structlog.get_logger()

Update = MarketplaceAddressChanged | MarketplacePaymentChanged | MarketplaceOrderCancelled
STALE = "stale_update_ignored"
RESENT = "order_resent"
RESENT_LINES = "resent_changed_lines"
AFTER_CANCELLATION = "ignored_after_cancellation"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def current_version(row: asyncpg.Record) -> datetime | None:
    """The version intake applied last: the latest update's, else its own payload's."""
    if row["channel_version"] is not None:
        return row["channel_version"]  # type: ignore[no-any-return]
    try:
        return adapters.parse(row["channel"], json_value(row["raw_payload"])).version
    except adapters.MalformedChannelPayload:
        return None


def stale_reason(update: Update, current: datetime | None) -> str:
    """Why the update is older than the order it would change; "" when it is not."""
    if isinstance(update, MarketplaceOrderCancelled) or update.version is None:
        return ""
    if current is None or update.version >= current:
        return ""
    return (
        f"stale {update.channel} update: version {_iso(update.version)} is older than"
        f" {_iso(current)}, the order's version intake applied; recorded and ignored"
    )


async def set_aside_if_stale(uow: UnitOfWork, row: asyncpg.Record, update: Update) -> str:
    """The reason when the update is stale, recorded on the order with the update; else ""."""
    reason = stale_reason(update, current_version(row))
    if reason:
        detail = {"reason": reason, "update": type(update).__name__, "content": _dump(update)}
        await _record(uow.conn, row["order_id"], update.channel, detail)
    return reason


async def set_aside_if_stale_document(
    uow: UnitOfWork, row: asyncpg.Record, document: adapters.ChannelDocument
) -> tuple[str, tuple[Event, ...]]:
    """For a document about a known order older than the order's version: why, recorded once
    on the order with the document itself, and the updates that still apply (cancellations).
    ("", the document's updates) otherwise."""
    current = current_version(row)
    version = document.version
    if version is None or current is None or version >= current:
        return "", document.updates
    what = "order sent again" if document.kind == "order" and not document.updates else "update"
    reason = (
        f"stale {document.channel} {what}: version {_iso(version)} is older than"
        f" {_iso(current)}, the order's version intake applied; recorded and ignored"
    )
    cancels = tuple(u for u in document.updates if isinstance(u, MarketplaceOrderCancelled))
    detail = {
        "reason": reason,
        "update": [type(update).__name__ for update in document.updates] or document.kind,
        "status": document.status,
        "content": document.payload,
    }
    await _record(uow.conn, row["order_id"], document.channel, detail)
    return reason, cancels


async def set_aside_after_cancellation(
    uow: UnitOfWork, row: asyncpg.Record, document: adapters.ChannelDocument
) -> str:
    """A cancelled order stays cancelled: a document about it sent again (the cancelled order
    re-fetched, a late paid or updated one) is recorded on the order with why, and ignored."""
    what = "order sent again" if document.order is not None else "update"
    told = [type(update).__name__ for update in document.updates] or document.kind
    reason = (
        f"{document.channel} {what} for an order cancelled {_iso(row['cancelled_at'])}:"
        " a cancelled order stays cancelled; recorded and ignored"
    )
    detail = {
        "reason": reason,
        "update": told,
        "status": document.status,
        "content": document.payload,
    }
    await _record(uow.conn, row["order_id"], document.channel, detail, action=AFTER_CANCELLATION)
    return reason


async def advance(conn: asyncpg.Connection, row: asyncpg.Record, version: datetime | None) -> None:
    """The order's version moves forward to the update's, never back."""
    current = current_version(row)
    if version is not None and (current is None or version > current):
        await set_channel_version(conn, row["order_id"], version)


async def advance_to(
    conn: asyncpg.Connection, channel: str, external_id: str, version: datetime
) -> None:
    row = await store.lock_order_by_key(conn, channel, external_id)
    if row is not None:
        await advance(conn, row, version)


async def drop_stale_parked(uow: UnitOfWork, order: adapters.ParsedOrder) -> datetime | None:
    """Updates parked before their order arrived, older than the order document or than another
    parked update of the same kind, are dropped, each recorded: the order is taken with the
    newest only. The newest version parked."""
    parked = await store.parked_for(uow.conn, order.channel, order.external_id)
    versions = [(update, _parked_version(update)) for update in parked]
    newest: dict[str, datetime] = {}
    for update, version in versions:
        if version is not None and update["kind"] != "cancel":
            newest[update["kind"]] = max(version, newest.get(update["kind"], version))
    for update, version in versions:
        newer = [v for v in (order.version, newest.get(update["kind"])) if v is not None]
        if update["kind"] == "cancel" or version is None or not newer or version >= max(newer):
            continue
        reason = (
            f"stale {order.channel} {update['kind']} update: version {_iso(version)} is older"
            f" than {_iso(max(newer))}; recorded and ignored"
        )
        content = json_value(update["payload"])
        detail = {"reason": reason, "update": update["kind"], "content": content}
        await _record(
            uow.conn, order_id_for(order.channel, order.external_id), order.channel, detail
        )
        await store.drop_parked(uow.conn, [update["update_id"]])
    return max(newest.values(), default=None)


def _parked_version(update: asyncpg.Record) -> datetime | None:
    version = json_value(update["payload"]).get("version")
    return datetime.fromisoformat(version) if isinstance(version, str) else None


@dataclass(frozen=True)
class Resend:
    """What a known channel order sent again tells: the updates to apply, and the lines or
    currency it reads otherwise (for an operator)."""

    updates: tuple[Event, ...] = ()
    other_goods: str = ""


async def resent(
    uow: UnitOfWork, row: asyncpg.Record, document: adapters.ChannelDocument
) -> Resend:
    """Nothing when the payload is the same. Else, recorded on the order, the updates it tells
    (its address and payment, at its version) and any other lines or currency. A stale one is
    set aside before (set_aside_if_stale_document)."""
    order = document.order
    assert order is not None
    known = json_value(row["raw_payload"])
    if known == document.payload:
        log.info("order.duplicate", channel=order.channel, external_id=order.external_id)
        return Resend()
    keys = known.keys() | document.payload.keys()
    changed = sorted(key for key in keys if known.get(key) != document.payload.get(key))
    current = current_version(row)
    detail = {"version": _iso(order.version), "current_version": _iso(current), "changed": changed}
    await _record(uow.conn, row["order_id"], order.channel, detail, action=RESENT)
    key: dict[str, Any] = {
        "channel": order.channel,
        "external_id": order.external_id,
        "version": order.version,
    }
    updates = (
        MarketplaceAddressChanged(**key, ship_to=order.ship_to),
        MarketplacePaymentChanged(**key, captured=order.payment_captured),
    )
    return Resend(updates, _other_goods(row, order))


def _other_goods(row: asyncpg.Record, order: adapters.ParsedOrder) -> str:
    try:
        before = adapters.parse(row["channel"], json_value(row["raw_payload"]))
    except adapters.MalformedChannelPayload:
        return ""  # the stored payload is for an operator's re-parse, not this comparison
    if (before.lines, before.currency) == (order.lines, order.currency):
        return ""
    return (
        f"the {order.channel} order was sent again (version {_iso(order.version)}) with other"
        f" lines or currency: {_goods(order)}; taken as {_goods(before)}"
    )


def _goods(order: adapters.ParsedOrder) -> str:
    lines = ", ".join(
        f"{line.quantity} x {line.channel_sku} ({line.amount})" for line in order.lines
    )
    return f"{lines} {order.currency}"


async def _record(
    conn: asyncpg.Connection,
    order_id: str,
    channel: str,
    detail: dict[str, Any],
    action: str = STALE,
) -> None:
    await store.audit(conn, f"order:{order_id}", action, channel, detail)
    log.warning(action, order_id=order_id, channel=channel, reason=detail.get("reason", ""))


def _dump(update: Update) -> dict[str, Any]:
    return update.model_dump(mode="json")
