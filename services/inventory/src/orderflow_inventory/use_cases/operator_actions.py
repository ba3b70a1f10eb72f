"""What an operator does through inventory's API, each change audited with its actor in the
same transaction (no change without its audit row, no audit row for a change rolled back).
Held events a change lets apply are audited one by one, with their SKU and location, so a
SKU's trail shows the stock an operator's hand brought in."""

from collections.abc import Sequence
from typing import Any

from orderflow_contracts.setup import ChannelPolicy, Location, Product
from orderflow_runtime import UnitOfWork

from orderflow_inventory import store
from orderflow_inventory.store.audit import Subject
from orderflow_inventory.use_cases.stock_events import HeldReplay, replay_held

HELD_EVENT_REPLAYED = "held_event.replayed"


async def put_product(uow: UnitOfWork, product: Product, actor: str) -> list[HeldReplay]:
    await store.catalog.save_product(uow.conn, product)
    replayed = await replay_held(uow)
    detail = {"product": product.model_dump(mode="json"), **_replays(replayed)}
    await store.audit.record(uow.conn, actor, "product.put", [(Subject(sku=product.sku), detail)])
    await _audit_replays(uow, actor, replayed, because=f"product {product.sku} put")
    return replayed


async def put_location(uow: UnitOfWork, location: Location, actor: str) -> list[HeldReplay]:
    await store.catalog.save_location(uow.conn, location)
    replayed = await replay_held(uow)
    # What each channel is shown changes, not the stock: the feed's next round, no stock check.
    await store.levels_due.mark(uow.conn, await store.stock.skus(uow.conn, location.location_id))
    subject = Subject(location_id=location.location_id)
    detail = {"location": location.model_dump(mode="json"), **_replays(replayed)}
    await store.audit.record(uow.conn, actor, "location.put", [(subject, detail)])
    await _audit_replays(uow, actor, replayed, because=f"location {location.location_id} put")
    return replayed


async def put_policy(uow: UnitOfWork, policy: ChannelPolicy, actor: str) -> None:
    await store.catalog.save_policy(uow.conn, policy)
    # Every SKU's channel figures change, not its stock: the feed's next round, no stock check.
    await store.levels_due.mark(uow.conn, await store.stock.skus(uow.conn))
    subject = Subject(channel=policy.channel)
    detail = {"policy": policy.model_dump(mode="json")}
    await store.audit.record(uow.conn, actor, "channel_policy.put", [(subject, detail)])


async def replay(uow: UnitOfWork, ids: Sequence[int] | None, actor: str) -> list[HeldReplay]:
    """The operator's replay: one row for the request (which ids, or every one that can),
    one per held event it applied."""
    replayed = await replay_held(uow, ids)
    asked = {"asked": list(ids) if ids else "every held event that can apply"}
    await store.audit.record(
        uow.conn, actor, "held_events.replay", [(Subject(), {**asked, **_replays(replayed)})]
    )
    await _audit_replays(uow, actor, replayed, because="replay asked")
    return replayed


def _replays(replayed: Sequence[HeldReplay]) -> dict[str, Any]:
    return {"replayed_held_events": [held.held_event_id for held in replayed]}


async def _audit_replays(
    uow: UnitOfWork, actor: str, replayed: Sequence[HeldReplay], because: str
) -> None:
    if not replayed:
        return
    rows = [
        (
            Subject(sku=held.sku, location_id=held.location_id),
            {
                "held_event_id": held.held_event_id,
                "event_type": held.event_type,
                "because": because,
            },
        )
        for held in replayed
    ]
    await store.audit.record(uow.conn, actor, HELD_EVENT_REPLAYED, rows)
