"""A refund is news to the order's customer, whether or not anything came back (a cancelled
order, one never shipped, a goodwill refund). Each refund the channel reports is kept
(store/refunds.py) and told on as OrderRefunded once, when its order is accepted: the others
(notifications) know an order only from its OrderAccepted. One that comes before its order, or
while the order is held, waits, with why in the order's audit trail, and is told when the order
is accepted (an order that never is, e.g. cancelled while held, keeps it there)."""

from decimal import Decimal

import asyncpg
import structlog
from orderflow_contracts import topics
from orderflow_contracts.intake import OrderRefunded
from orderflow_contracts.marketplace import MarketplaceOrderRefunded, MarketplacePaymentChanged
from orderflow_runtime import UnitOfWork

from orderflow_intake import store
from orderflow_intake.domain import order_id_for

log = structlog.get_logger()

# The channels' words for a refund status (Shopify's financial_status): the payment given back
# in full, or in part.
REFUNDED = {"refunded": False, "partially_refunded": True}
WAITING = "refund_waiting"


def of_payment(event: MarketplacePaymentChanged) -> store.Refund | None:
    """The refund a payment status tells, if it is one; told once per status word."""
    partial = REFUNDED.get(event.status.lower())
    if partial is None:
        return None
    return store.Refund(f"status:{event.status.lower()}", partial, status=event.status)


def of_refund(event: MarketplaceOrderRefunded) -> store.Refund:
    return store.Refund(
        event.refund_id,
        event.partial,
        event.refund_id,
        event.amount,
        event.currency,
        event.status,
    )


async def refund_order(uow: UnitOfWork, event: MarketplaceOrderRefunded) -> None:
    await record(uow, event.channel, event.external_id, of_refund(event))


async def record(uow: UnitOfWork, channel: str, external_id: str, refund: store.Refund) -> None:
    """Keep the refund (a repeat is a no-op) and tell it on if its order is accepted; else say
    on the order why it waits."""
    if not await store.record_refund(uow.conn, channel, external_id, refund):
        return
    row = await store.lock_order_by_key(uow.conn, channel, external_id)
    if row is not None and row["accepted_at"] is not None:
        await tell_waiting(uow, row)
        return
    why = (
        "the order is not known yet"
        if row is None
        else f"the order is {row['status']}, not accepted: the others do not know its customer"
    )
    detail = {"refund": refund.key, "reason": f"{why}; told once the order is accepted"}
    await store.audit(
        uow.conn, f"order:{order_id_for(channel, external_id)}", WAITING, channel, detail
    )
    log.warning("refund.waiting", channel=channel, external_id=external_id, reason=why)


async def tell_waiting(uow: UnitOfWork, row: asyncpg.Record) -> None:
    """Every refund of this accepted order not told on yet, in the order they came."""
    channel, external_id = row["channel"], row["external_id"]
    waiting = await store.waiting_refunds(uow.conn, channel, external_id)
    for refund in waiting:
        partial = refund.partial
        if partial is None:
            partial = await _partial(uow.conn, row, refund)
        uow.emit(
            topics.ORDERS,
            row["order_id"],
            OrderRefunded(
                order_id=row["order_id"],
                channel=channel,
                external_id=external_id,
                partial=partial,
                status=refund.status,
                refund_id=refund.refund_id,
                amount=refund.amount,
                currency=refund.currency,
            ),
            correlation_id=row["correlation_id"],
        )
        await store.mark_told(uow.conn, channel, external_id, [refund.key])
        log.info("order.refunded", order_id=row["order_id"], partial=partial)


async def _partial(conn: asyncpg.Connection, row: asyncpg.Record, refund: store.Refund) -> bool:
    """Whether the refunds so far, this one included, leave part of the order's total paid."""
    if refund.amount is None:
        return True
    order = store.canonical_of(row)
    total = (
        order.totals.total
        if order.totals
        else sum((line.amount for line in order.lines), Decimal(0))
    )
    if refund.currency and refund.currency != order.currency:
        return True
    before = await store.refunded_so_far(conn, row["channel"], row["external_id"], refund.currency)
    return before + refund.amount < total
