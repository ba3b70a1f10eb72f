"""Where every channel document enters intake, whichever door it came through: a webhook, the
marketplace topic or an operator's re-parse. It is read once (adapters.read). What cannot be
read is kept in the raw store with the reason naming the field, so an operator finds it in
GET /raw-payloads and parses it again once its adapter is fixed: nothing is lost. What can be
read is taken in the caller's transaction, under a lock on its channel order, so documents for
one order that arrive through different doors at once are taken one after the other."""

import json
from typing import Any, Literal

import asyncpg
import structlog
from orderflow_contracts import Event
from orderflow_contracts.marketplace import (
    MarketplaceAddressChanged,
    MarketplaceOrderCancelled,
    MarketplaceOrderPublished,
    MarketplaceOrderRefunded,
    MarketplacePaymentChanged,
)
from orderflow_runtime import Item, UnitOfWork

from orderflow_intake import adapters, bodies, store
from orderflow_intake.screening import ScreeningRules
from orderflow_intake.store import batch
from orderflow_intake.use_cases import refunds, versions
from orderflow_intake.use_cases.orders import Fresh, take_marketplace_order, take_new_orders
from orderflow_intake.use_cases.updates import (
    address_update,
    cancel_order,
    hold_for,
    payment_update,
)

log = structlog.get_logger()


class Unreadable(Exception):
    """A document no adapter can read: rejected (malformed, the reason names the field) or
    failed (the adapter broke on it)."""

    def __init__(
        self, status: Literal["rejected", "failed"], reason: str, kind: str = "order"
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason.replace("\x00", "")
        self.kind = kind


def read(
    channel: str, body: bytes | dict[str, Any], shopify_topic: str = ""
) -> adapters.ChannelDocument:
    kind = "order"
    try:
        payload = bodies.decode(body) if isinstance(body, bytes) else bodies.checked(body)
        refund = adapters.is_refund(channel, payload, shopify_topic)
        kind = "update" if refund or adapters.is_update(channel, payload) else "order"
        return adapters.read(channel, payload, shopify_topic)
    except (bodies.Refused, adapters.MalformedChannelPayload) as error:
        raise Unreadable("rejected", str(error), kind) from None
    except Exception as error:  # an adapter bug: the document is kept and the failure said
        raise Unreadable("failed", repr(error), kind) from error


async def keep_unreadable(
    conn: asyncpg.Connection | asyncpg.Pool,
    channel: str,
    body: bytes,
    headers: dict[str, str],
    unreadable: Unreadable,
    source: Literal["webhook", "topic"],
) -> int:
    """The raw payload id of the document, kept with why it could not be read."""
    payload_id = await store.insert_raw(
        conn,
        channel=channel,
        body=body,
        headers=headers,
        status=unreadable.status,
        error=unreadable.reason,
        source=source,
        kind=unreadable.kind,
    )
    log.warning(
        "document.unreadable",
        channel=channel,
        source=source,
        raw_payload_id=payload_id,
        status=unreadable.status,
        error=unreadable.reason,
    )
    return payload_id


async def take(
    uow: UnitOfWork, document: adapters.ChannelDocument, rules: ScreeningRules
) -> list[str]:
    """The document's order, then its updates, in the channel's version order
    (use_cases/versions.py). A known order sent again is read as the updates it tells. The
    reasons any of it was set aside as older than what intake applied (each recorded)."""
    key = (document.channel, document.external_id)
    await store.lock_channel_orders(uow.conn, [key])
    row = await store.lock_order_by_key(uow.conn, *key)
    updates, set_aside = document.updates, []
    if row is None and document.order is not None:
        # Parked updates it makes stale are recorded on the order, not as this document's.
        parked_version = await versions.drop_stale_parked(uow, document.order)
        await take_marketplace_order(uow, document.payload, document.order, rules)
        if parked_version is not None:  # the order is taken with the parked updates applied
            await versions.advance_to(uow.conn, *key, parked_version)
    elif row is not None:
        stale, updates = await versions.set_aside_if_stale_document(uow, row, document)
        set_aside += [stale] if stale else []
        if not stale and row["status"] == "cancelled" and not _refunds_only(document):
            # A cancelled order stays so; its refund (the usual end of one) is still news.
            return [await versions.set_aside_after_cancellation(uow, row, document)]
        if not stale and document.order is not None and not updates:
            resend = await versions.resent(uow, row, document)
            updates = resend.updates
            if resend.other_goods:
                await hold_for(uow, row, versions.RESENT_LINES, resend.other_goods)
    for update in updates:
        if reason := await apply_update(uow, update, rules):
            set_aside.append(reason)
    return set_aside


def _refunds_only(document: adapters.ChannelDocument) -> bool:
    return document.order is None and all(
        isinstance(update, MarketplaceOrderRefunded) for update in document.updates
    )


async def apply_update(uow: UnitOfWork, update: Event, rules: ScreeningRules) -> str:
    """Why the update was set aside (older than the order's version), else ""."""
    if isinstance(update, MarketplaceOrderCancelled):
        await cancel_order(uow, update)
        return ""
    if isinstance(update, MarketplaceAddressChanged):
        return await address_update(uow, update, rules)
    if isinstance(update, MarketplacePaymentChanged):
        return await payment_update(uow, update, rules)
    if isinstance(update, MarketplaceOrderRefunded):
        await refunds.refund_order(uow, update)
        return ""
    raise TypeError(f"not a marketplace update: {type(update).__name__}")


async def take_marketplace_orders(
    items: list[Item[MarketplaceOrderPublished]], rules: ScreeningRules
) -> None:
    """A poll of channel documents from the marketplace topic. New orders are screened together
    (take_new_orders), after one read each of known orders and parked updates. Update
    notifications, orders with updates parked or in the same poll, and known orders sent again
    (the same payload changes nothing, another is read by its version) are taken one at a time,
    in the order they came. A payload no adapter can read is kept in the raw store as
    rejected, and the others go on."""
    conn = items[-1].unit.conn
    documents = []
    for item in items:
        document = await _read_or_keep(item)
        if document is not None:
            documents.append((item, document))
    keys = [(document.channel, document.external_id) for _, document in documents]
    await store.lock_channel_orders(conn, keys)
    seen = await batch.known_keys(conn, keys)
    one_by_one = await batch.keys_with_parked_updates(conn, keys)
    fresh: Fresh = []
    fresh_keys: set[tuple[str, str]] = set()
    for item, document in documents:
        key = (document.channel, document.external_id)
        new = key not in seen and key not in one_by_one
        if document.order is not None and not document.updates and new:
            fresh.append((item, document.order))
            fresh_keys.add(key)
            seen.add(key)
            continue
        if key in fresh_keys:
            await take_new_orders(fresh, rules)  # the order first, then what updates it
            fresh, fresh_keys = [], set()
        await take(item.unit, document, rules)
        one_by_one.add(key)  # what it parked is for a later order of this poll to find
        seen.add(key)
    if fresh:
        await take_new_orders(fresh, rules)


async def _read_or_keep(item: Item[MarketplaceOrderPublished]) -> adapters.ChannelDocument | None:
    """The document, or None once it is kept in the raw store as unreadable."""
    event = item.event
    try:
        return read(event.channel, event.payload)
    except Unreadable as unreadable:
        body = json.dumps(event.payload, ensure_ascii=False).encode()
        headers = _envelope_headers(item.unit)
        await keep_unreadable(
            item.unit.conn, event.channel, body, headers, unreadable, source="topic"
        )
        return None


def _envelope_headers(unit: UnitOfWork) -> dict[str, str]:
    """What the topic told about the message, in place of a webhook's HTTP headers."""
    if unit.cause is None:
        return {}
    told = {
        "x-orderflow-event-id": str(unit.cause.event_id),
        "x-orderflow-source": unit.cause.source,
        "x-orderflow-correlation-id": unit.cause.correlation_id,
    }
    return {name: value.replace("\x00", "") for name, value in told.items()}
