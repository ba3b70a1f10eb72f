"""intake's privacy use cases: an operator's erasure of one customer (intake's rows erased in
the request's transaction, the others told on privacy.erasures), each service's answer recorded,
and the retention purge of closed orders."""

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import asyncpg
from orderflow_contracts import topics
from orderflow_contracts.order import Address, CanonicalOrder
from orderflow_contracts.privacy import (
    CustomerDataErased,
    CustomerErasureRequested,
    email_digest,
    erased_address,
    erased_customer,
)
from orderflow_runtime import UnitOfWork

from orderflow_intake.privacy import store
from orderflow_intake.privacy.redaction import (
    asked_values,
    personal_values,
    redact_body,
    redact_document,
    without_asked_values,
)

SERVICE = "intake"
# How far back a round looks for bodies of erased orders the channel sent again: rounds are an
# hour apart by default, so a day covers the rounds a database outage may have cost.
RESENT_LOOKBACK = timedelta(days=1)
OrderKey = tuple[str, str]  # (channel, external id)


async def request_erasure(uow: UnitOfWork, email: str, actor: str) -> uuid.UUID:
    """Erase intake's data of the customer now and ask every other service to do the same."""
    erasure_id = uuid.uuid4()
    digest = email_digest(email)
    orders = await store.lock_orders_of_customer(uow.conn, digest)
    values = await _erase_orders(uow.conn, orders)
    raws = await store.lock_raw_payloads(uow.conn, list(values), email.strip())
    mentions = {email.strip()} | set().union(set(), *values.values())
    counts = {
        "orders": len(orders),
        "raw_payloads": await _erase_raw(uow.conn, raws, values, also=mentions),
        **await _erase_parked_and_audit(uow.conn, orders, values),
    }
    order_ids = [row["order_id"] for row in orders]
    await store.insert_erasure(uow.conn, erasure_id, digest, actor, order_ids)
    await store.record_progress(uow.conn, erasure_id, SERVICE, counts)
    uow.emit(
        topics.PRIVACY_ERASURES,
        str(erasure_id),
        CustomerErasureRequested(
            erasure_id=str(erasure_id),
            email_digest=digest,
            order_ids=tuple(order_ids),
            requested_at=datetime.now(UTC),
        ),
        correlation_id=f"erasure:{erasure_id}",
    )
    uow.log.info("privacy.erasure_requested", erasure_id=str(erasure_id), actor=actor, **counts)
    return erasure_id


async def record_erased(uow: UnitOfWork, event: CustomerDataErased) -> None:
    """A service's answer to an erasure: its counts shown on the request."""
    known = await store.record_progress(
        uow.conn, uuid.UUID(event.erasure_id), event.service, event.counts
    )
    log = uow.log.bind(erasure_id=event.erasure_id, service=event.service)
    if known:
        log.info("privacy.service_erased", **event.counts)
    else:
        log.warning("privacy.unknown_erasure_answered")


async def purge_expired(uow: UnitOfWork, retention: timedelta, limit: int = 500) -> int:
    """Erase the personal data of up to `limit` orders shipped or cancelled longer than
    `retention` ago, their raw payloads, and refused bodies older than that; and again of
    erased orders the channel sent since. Returns how many records were erased (0: nothing was
    due)."""
    now = datetime.now(UTC)
    cutoff = now - retention
    orders = await store.lock_orders_due(uow.conn, cutoff, now - RESENT_LOOKBACK, limit)
    values = await _erase_orders(uow.conn, orders)
    raws = await store.lock_raw_payloads_due(uow.conn, list(values), cutoff, limit)
    counts = {
        "orders": len(orders),
        "raw_payloads": await _erase_raw(uow.conn, raws, values, also=set()),
        **await _erase_parked_and_audit(uow.conn, orders, values),
    }
    if any(counts.values()):
        uow.log.info("privacy.retention_purged", retention_days=retention.days, **counts)
    return sum(counts.values())


async def _erase_orders(
    conn: asyncpg.Connection, orders: list[asyncpg.Record]
) -> dict[OrderKey, set[str]]:
    """Rewrite each order without its buyer's data; each order's personal values by its key,
    for what else the channel sent about it."""
    values: dict[OrderKey, set[str]] = {}
    rewritten = []
    for row in orders:
        canonical = CanonicalOrder.model_validate_json(row["canonical"])
        override, sent = _address(row["ship_to_override"]), _address(row["channel_ship_to"])
        known = personal_values(canonical.customer, canonical.ship_to, override, sent)
        known |= asked_values(canonical)
        values[(row["channel"], row["external_id"])] = known
        erased = without_asked_values(canonical).model_copy(
            update={
                "customer": erased_customer(canonical.customer),
                "ship_to": erased_address(canonical.ship_to),
            }
        )
        rewritten.append(
            {
                "order_id": row["order_id"],
                "canonical": erased.model_dump_json(),
                "raw_payload": json.dumps(redact_document(json.loads(row["raw_payload"]), known)),
                "ship_to_override": _erased_json(override),
                "channel_ship_to": _erased_json(sent),
            }
        )
    await store.save_erased_orders(conn, rewritten)
    return values


async def _erase_raw(
    conn: asyncpg.Connection,
    raws: list[asyncpg.Record],
    values: dict[OrderKey, set[str]],
    *,
    also: set[str],
) -> int:
    bodies = [
        (
            row["payload_id"],
            redact_body(bytes(row["body"]), values.get((row["channel"], row["external_id"]), also)),
        )
        for row in raws
    ]
    await store.save_erased_raw(conn, bodies)
    return len(bodies)


async def _erase_parked_and_audit(
    conn: asyncpg.Connection, orders: list[asyncpg.Record], values: dict[OrderKey, set[str]]
) -> dict[str, int]:
    keys = [(row["order_id"], row["channel"], row["external_id"]) for row in orders]
    parked, audits = await store.lock_parked_and_audit(conn, keys)
    known: set[str] = set().union(set(), *values.values())
    await store.save_parked_and_audit(conn, _redacted(parked, known), _redacted(audits, known))
    return {"parked_updates": len(parked), "audit_entries": len(audits)}


def _redacted(rows: Iterable[asyncpg.Record], known: set[str]) -> list[tuple[int, str]]:
    return [
        (row["id"], json.dumps(redact_document(json.loads(row["document"]), known))) for row in rows
    ]


def _address(text: str | None) -> Address | None:
    return None if text is None else Address.model_validate_json(text)


def _erased_json(address: Address | None) -> str | None:
    return None if address is None else erased_address(address).model_dump_json()
