"""What operators do to orders: work the exception queue, re-parse what an adapter refused.
Each action runs in one transaction with its audit row and the events it emits (outbox)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import structlog
from orderflow_contracts import topics
from orderflow_contracts.marketplace import MarketplaceOrderPublished
from orderflow_contracts.order import Address
from orderflow_runtime import UnitOfWork, outbox

from orderflow_intake import adapters, bodies, services, store
from orderflow_intake.screening import WAIVABLE_CODES, ScreeningRules

log = structlog.get_logger()


class OrderNotFound(LookupError):
    pass


class ActionRefused(ValueError):
    """The action does not fit the order's state; the message says why."""


@asynccontextmanager
async def unit_of_work(pool: asyncpg.Pool) -> AsyncIterator[UnitOfWork]:
    """A transaction outside the consumer: the effect, the audit row and the outbox rows
    commit together or not at all."""
    async with pool.acquire() as conn, conn.transaction():
        uow = UnitOfWork(conn=conn, source="intake")
        yield uow
        await outbox.write(conn, uow.outgoing)


@asynccontextmanager
async def order_action(
    pool: asyncpg.Pool, order_id: str
) -> AsyncIterator[tuple[UnitOfWork, asyncpg.Record]]:
    """One operator action on one order: its row locked, its ids on every log line."""
    with structlog.contextvars.bound_contextvars(order_id=order_id):
        async with unit_of_work(pool) as uow:
            row = await store.lock_order(uow.conn, order_id)
            if row is None:
                raise OrderNotFound(order_id)
            with structlog.contextvars.bound_contextvars(correlation_id=row["correlation_id"]):
                yield uow, row


async def release(
    pool: asyncpg.Pool, order_id: str, actor: str, note: str, rules: ScreeningRules
) -> str:
    """Clear the order's holds and screen it again: facts (an unmapped SKU, a bad address)
    come back unless fixed; judgements (a probable duplicate) stay waived."""
    async with order_action(pool, order_id) as (uow, row):
        if row["status"] != "held":
            raise ActionRefused(f"order {order_id} is {row['status']}, not held")
        codes = [hold.code for hold in await store.open_holds(uow.conn, order_id)]
        await store.resolve_holds(uow.conn, order_id, codes)
        await store.waive(uow.conn, order_id, set(codes) & WAIVABLE_CODES)
        await store.audit(
            uow.conn, f"order:{order_id}", "release", actor, {"note": note, "holds": codes}
        )
        outcome = await services.rescreen(
            uow,
            await store.lock_order(uow.conn, order_id),
            rules,
            replanned="unroutable" in codes,
        )
    log.info("order.released", order_id=order_id, actor=actor, outcome=outcome)
    return outcome


async def edit_address(
    pool: asyncpg.Pool, order_id: str, actor: str, ship_to: Address, rules: ScreeningRules
) -> str:
    async with order_action(pool, order_id) as (uow, row):
        if row["status"] == "cancelled":
            raise ActionRefused(f"order {order_id} is cancelled")
        if row["shipped_at"] is not None:
            raise ActionRefused(f"order {order_id} has shipped; its address cannot change")
        await store.audit(
            uow.conn, f"order:{order_id}", "edit_address", actor, {"ship_to": ship_to.model_dump()}
        )
        if not await services.apply_address(uow, row, ship_to, rules):
            await services.rescreen(uow, row, rules)  # the same address: screen it again anyway
        status = await uow.conn.fetchval("SELECT status FROM orders WHERE order_id = $1", order_id)
    log.info("order.address_edited", order_id=order_id, actor=actor, outcome=status)
    return str(status)


async def cancel(pool: asyncpg.Pool, order_id: str, actor: str, reason: str) -> str:
    async with order_action(pool, order_id) as (uow, row):
        if row["status"] == "cancelled":
            raise ActionRefused(f"order {order_id} is cancelled already")
        await store.audit(uow.conn, f"order:{order_id}", "cancel", actor, {"reason": reason})
        await services.apply_cancel(uow, row, reason, force=True)
    log.info("order.cancelled_by_operator", order_id=order_id, actor=actor, reason=reason)
    return "cancelled"


async def reparse_order(
    pool: asyncpg.Pool, order_id: str, actor: str, rules: ScreeningRules
) -> str:
    """Build an order again from its stored payload (an adapter or listing was fixed): a held
    order is screened again without clearing the holds an operator must decide on; an accepted
    one that has not shipped takes the differences as updates (services/reparse.py)."""
    async with order_action(pool, order_id) as (uow, row):
        if row["status"] not in ("held", "accepted"):
            raise ActionRefused(
                f"order {order_id} is {row['status']}: only held or accepted orders that have"
                " not shipped are parsed again"
            )
        await store.audit(uow.conn, f"order:{order_id}", "reparse", actor, {"was": row["status"]})
        if row["status"] == "held":
            outcome = await services.rescreen(uow, row, rules)
        else:
            outcome = await services.reparse_accepted(uow, row, rules)
    log.info("order.reparsed", order_id=order_id, actor=actor, outcome=outcome)
    return outcome


async def reparse_raw(pool: asyncpg.Pool, payload_id: int, actor: str) -> dict[str, Any]:
    """Parse a stored webhook body again, e.g. after its adapter was fixed; once it parses it
    enters the pipeline like a fresh webhook."""
    async with unit_of_work(pool) as uow:
        row = await store.lock_raw(uow.conn, payload_id)
        if row is None:
            raise OrderNotFound(f"raw payload {payload_id}")
        if row["status"] == "accepted":
            raise ActionRefused(f"raw payload {payload_id} was accepted already")
        await store.audit(uow.conn, f"raw:{payload_id}", "reparse", actor, {})
        try:
            payload = bodies.decode(bytes(row["body"]))
            document = adapters.parse_document(row["channel"], payload)
        except (bodies.Refused, adapters.MalformedChannelPayload) as error:
            await store.set_raw_outcome(
                uow.conn, payload_id, status="rejected", error=str(error), external_id=None
            )
            return {"status": "rejected", "error": str(error)}
        await store.set_raw_outcome(
            uow.conn, payload_id, status="accepted", error=None, external_id=document.external_id
        )
        if isinstance(document, adapters.ChannelUpdate):
            publish_update(uow, document)
        else:
            publish(uow, row["channel"], document.external_id, payload)
    return {"status": "accepted", "external_id": document.external_id}


def publish_update(uow: UnitOfWork, update: adapters.ChannelUpdate) -> None:
    """A channel's update notification into the marketplace topic, on its order's key: behind
    the order, and parked by intake when the order has not arrived yet."""
    key = topics.channel_order_key(update.channel, update.external_id)
    for event in update.events:
        uow.emit(topics.MARKETPLACE_ORDERS, key, event)


def publish(uow: UnitOfWork, channel: str, external_id: str, payload: dict[str, Any]) -> None:
    """Into the same pipeline as the marketplace topic: intake deduplicates on the channel
    order, so a webhook and a topic message for one order make one canonical order."""
    uow.emit(
        topics.MARKETPLACE_ORDERS,
        topics.channel_order_key(channel, external_id),
        MarketplaceOrderPublished(channel=channel, payload=payload),
    )
