"""The warehouses' receipts, adjustments and counts, applied once per document; what cannot be
applied is held with the reason and replayed later."""

from collections.abc import Sequence
from typing import NamedTuple
from uuid import UUID

import structlog
from orderflow_contracts.warehouse import StockAdjusted, StockCounted, StockReceived
from orderflow_runtime import UnitOfWork

from orderflow_inventory import store
from orderflow_inventory.domain import Movement
from orderflow_inventory.use_cases.levels import after_stock_change, fill_backorders

log = structlog.get_logger()

StockEvent = StockReceived | StockAdjusted | StockCounted


async def apply_stock_event(uow: UnitOfWork, event: StockEvent) -> None:
    assert uow.cause is not None
    await apply_warehouse_document(uow, event, uow.cause.event_id)


async def apply_warehouse_document(uow: UnitOfWork, event: StockEvent, event_id: UUID) -> None:
    """A receipt, adjustment or count, applied once per warehouse document. What cannot be
    applied (unknown SKU or location, fewer units than are promised) is held with the reason."""
    key = (event.sku, event.location_id)
    unknown = await store.catalog.unknown_reason(uow.conn, *key)
    if unknown is not None:
        await _hold(uow, event, event_id, unknown)
        return
    await store.stock.lock_skus(uow.conn, [event.sku])
    on_hand, reserved = await store.stock.lock_stock_row(uow.conn, key)
    movement = _movement(event, on_hand, str(event.reference or event_id))
    if on_hand + movement.on_hand_delta < reserved:
        await _hold(
            uow,
            event,
            event_id,
            f"below_reserved: {on_hand + movement.on_hand_delta} units would remain for"
            f" {reserved} reserved; release or move reservations, then replay",
        )
        return
    if not await store.ledger.record_document(uow.conn, movement):
        log.info("stock.document_already_applied", reference=movement.reference, kind=movement.kind)
        return
    if isinstance(event, StockCounted):
        await store.stock.record_count(uow.conn, key, on_hand, event.counted, movement.reference)
    await store.stock.change_stock(uow.conn, {key: movement.on_hand_delta}, {})
    log.info(
        f"stock.{movement.kind}", sku=event.sku, location_id=event.location_id,
        delta=movement.on_hand_delta, reference=movement.reference,
    )  # fmt: skip
    if movement.on_hand_delta > 0:
        await fill_backorders(uow, [key])
    await after_stock_change(uow, [event.sku])


def _movement(event: StockEvent, on_hand: int, reference: str) -> Movement:
    sku, location = event.sku, event.location_id
    if isinstance(event, StockReceived):
        return Movement(sku, location, "receipt", reference, on_hand_delta=event.quantity)
    if isinstance(event, StockAdjusted):
        return Movement(sku, location, "adjustment", reference, event.delta, reason=event.reason)
    return Movement(
        sku, location, "count", reference, event.counted - on_hand, reason="cycle count"
    )


async def _hold(uow: UnitOfWork, event: StockEvent, event_id: UUID, reason: str) -> None:
    await store.held_events.hold(
        uow.conn, event.event_type, event.model_dump(mode="json"), event_id, reason
    )
    log.warning("stock.event_held", sku=event.sku, location_id=event.location_id, reason=reason)


class HeldReplay(NamedTuple):
    """A held event applied again (or held anew with its current reason)."""

    held_event_id: int
    event_type: str
    sku: str
    location_id: str


async def replay_held(uow: UnitOfWork, ids: Sequence[int] | None = None) -> list[HeldReplay]:
    """Apply held warehouse events again, oldest first; those still not applicable are held
    anew with their current reason. Returns those replayed."""
    rows = await store.held_events.take_replayable(uow.conn, ids)
    models: dict[str, type[StockEvent]] = {
        model.event_type: model for model in (StockReceived, StockAdjusted, StockCounted)
    }
    for row in rows:
        event = models[row["event_type"]].model_validate_json(row["payload"])
        await apply_warehouse_document(uow, event, row["event_id"])
    return [
        HeldReplay(row["id"], row["event_type"], row["sku"], row["location_id"]) for row in rows
    ]
