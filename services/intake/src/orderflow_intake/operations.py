"""What operators do to orders: work the exception queue, re-parse what an adapter refused,
map channel SKUs. Each action runs in one transaction with its audit row and the events it
emits (outbox)."""

import json
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import asyncpg
import structlog
from orderflow_contracts import topics
from orderflow_contracts.intake import ProductDefined
from orderflow_contracts.order import Address
from orderflow_contracts.setup import ChannelListing, Product
from orderflow_runtime import UnitOfWork
from orderflow_runtime import unit_of_work as runtime_unit_of_work

from orderflow_intake import catalog, store, use_cases
from orderflow_intake.screening import WAIVABLE_CODES, ScreeningRules

log = structlog.get_logger()


class OrderNotFound(LookupError):
    pass


class ActionRefused(ValueError):
    """The action does not fit the order's state; the message says why."""


def unit_of_work(
    pool: asyncpg.Pool, correlation_id: str = ""
) -> AbstractAsyncContextManager[UnitOfWork]:
    """A transaction outside the consumer: the effect, the audit row and the outbox rows
    commit together or not at all."""
    return runtime_unit_of_work(pool, "intake", correlation_id)


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
        outcome = await use_cases.rescreen(
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
        if not await use_cases.apply_address(uow, row, ship_to, rules):
            await use_cases.rescreen(uow, row, rules)  # the same address: screen it again anyway
        status = await store.order_status(uow.conn, order_id)
    log.info("order.address_edited", order_id=order_id, actor=actor, outcome=status)
    return str(status)


async def cancel(pool: asyncpg.Pool, order_id: str, actor: str, reason: str) -> str:
    async with order_action(pool, order_id) as (uow, row):
        if row["status"] == "cancelled":
            raise ActionRefused(f"order {order_id} is cancelled already")
        await store.audit(uow.conn, f"order:{order_id}", "cancel", actor, {"reason": reason})
        await use_cases.apply_cancel(uow, row, reason, force=True)
    log.info("order.cancelled_by_operator", order_id=order_id, actor=actor, reason=reason)
    return "cancelled"


async def reparse_order(
    pool: asyncpg.Pool, order_id: str, actor: str, rules: ScreeningRules
) -> str:
    """Build an order again from its stored payload (an adapter or listing was fixed): a held
    order is screened again without clearing the holds an operator must decide on; an accepted
    one that has not shipped takes the differences as updates (use_cases/reparse.py)."""
    async with order_action(pool, order_id) as (uow, row):
        if row["status"] not in ("held", "accepted"):
            raise ActionRefused(
                f"order {order_id} is {row['status']}: only held or accepted orders that have"
                " not shipped are parsed again"
            )
        await store.audit(uow.conn, f"order:{order_id}", "reparse", actor, {"was": row["status"]})
        if row["status"] == "held":
            outcome = await use_cases.rescreen(uow, row, rules)
        else:
            outcome = await use_cases.reparse_accepted(uow, row, rules)
    log.info("order.reparsed", order_id=order_id, actor=actor, outcome=outcome)
    return outcome


async def reparse_raw(
    pool: asyncpg.Pool, payload_id: int, actor: str, rules: ScreeningRules
) -> dict[str, Any]:
    """Read a stored webhook body again, e.g. after its adapter was fixed; once it reads, it is
    taken like a fresh webhook."""
    async with unit_of_work(pool) as uow:
        row = await store.lock_raw(uow.conn, payload_id)
        if row is None:
            raise OrderNotFound(f"raw payload {payload_id}")
        if row["status"] == "accepted":
            raise ActionRefused(f"raw payload {payload_id} was accepted already")
        await store.audit(uow.conn, f"raw:{payload_id}", "reparse", actor, {})
        shopify_topic = json.loads(row["headers"]).get("x-shopify-topic", "")
        try:
            document = use_cases.read(row["channel"], bytes(row["body"]), shopify_topic)
        except use_cases.Unreadable as unreadable:
            await store.set_raw_outcome(
                uow.conn, payload_id, status=unreadable.status, error=unreadable.reason,
                external_id=None,
            )  # fmt: skip
            return {"status": unreadable.status, "error": unreadable.reason}
        await store.set_raw_outcome(
            uow.conn, payload_id, status="accepted", error=None, external_id=document.external_id
        )
        uow.correlation = topics.channel_order_key(document.channel, document.external_id)
        await use_cases.take(uow, document, rules)
    return {"status": "accepted", "external_id": document.external_id}


async def put_listings(pool: asyncpg.Pool, listings: list[ChannelListing], actor: str) -> None:
    """Create or replace channel SKUs' mappings, all or none, each audited;
    `catalog.ListingConflict` when one is ambiguous with another channel SKU."""
    async with unit_of_work(pool) as uow:
        for listing in listings:
            await store.put_listing(uow.conn, listing)
            await store.audit(
                uow.conn,
                f"listing:{listing.channel}:{listing.channel_sku}",
                "put",
                actor,
                {"components": [c.model_dump() for c in listing.components]},
            )


async def put_item_listing(
    pool: asyncpg.Pool, listing: ChannelListing, channel_item_id: str, actor: str
) -> None:
    """Map a channel's item id (lines without a seller SKU) to master SKUs, audited."""
    async with unit_of_work(pool) as uow:
        await store.put_item_listing(
            uow.conn, listing.channel, channel_item_id, catalog.components(listing)
        )
        await store.audit(
            uow.conn,
            f"listing:{listing.channel}:item:{channel_item_id}",
            "put",
            actor,
            {"components": [c.model_dump() for c in listing.components]},
        )


async def waive(
    pool: asyncpg.Pool, order_id: str, actor: str, code: str, reason: str, rules: ScreeningRules
) -> str:
    """An operator settles one hold with a reason (the payment is only authorized and will be
    captured at shipment; the address is deliverable as it stands): the code is waived for this
    order for good, and the order is screened again for the rest."""
    async with order_action(pool, order_id) as (uow, row):
        if row["status"] != "held":
            raise ActionRefused(f"order {order_id} is {row['status']}, not held")
        open_codes = [hold.code for hold in await store.open_holds(uow.conn, order_id)]
        if code not in open_codes:
            raise ActionRefused(f"order {order_id} is not held for {code}")
        await store.resolve_holds(uow.conn, order_id, [code])
        await store.waive(uow.conn, order_id, [code])
        await store.audit(
            uow.conn, f"order:{order_id}", "waive", actor, {"code": code, "reason": reason}
        )
        outcome = await use_cases.rescreen(uow, await store.lock_order(uow.conn, order_id), rules)
    log.info("order.hold_waived", order_id=order_id, actor=actor, code=code, outcome=outcome)
    return outcome


async def put_product(pool: asyncpg.Pool, product: Product, actor: str) -> bool:
    """Add or change a master SKU, audited, and announce it on catalog.products (same
    transaction, through the outbox) for the services that ship and stock it. True: new."""
    async with unit_of_work(pool, correlation_id=f"product:{product.sku}") as uow:
        created = await store.put_product(uow.conn, product)
        await store.audit(
            uow.conn,
            f"product:{product.sku}",
            "create" if created else "change",
            actor,
            product.model_dump(mode="json"),
        )
        uow.emit(topics.CATALOG_PRODUCTS, product.sku, ProductDefined(product=product))
    log.info("product.defined", sku=product.sku, actor=actor, created=created)
    return created
