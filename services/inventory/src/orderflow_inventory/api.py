"""inventory's HTTP API: stock by SKU and by location, reservations, the ledger, alerts, KPIs,
reconciliation, and the reference data and held warehouse events an operator manages."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Query
from orderflow_contracts.inventory import ChannelAvailability, LocationLevel
from orderflow_contracts.setup import ChannelPolicy, Location, Product
from orderflow_runtime import RunningService
from pydantic import BaseModel

from orderflow_inventory import domain, kpis, store, use_cases


class SkuStock(BaseModel):
    sku: str
    available: int
    locations: list[LocationLevel]
    channels: list[ChannelAvailability]


class LocationStock(BaseModel):
    location_id: str
    stock: list[dict[str, Any]]


class ReservationLine(BaseModel):
    shipment_id: str
    sku: str
    location_id: str
    quantity: int
    committed: bool
    released: bool


class Reservation(BaseModel):
    order_id: str
    attempt: int
    status: str
    channel: str
    created_at: datetime
    updated_at: datetime
    lines: list[ReservationLine]
    backorders: list[dict[str, Any]]


class LedgerEntry(BaseModel):
    id: int
    sku: str
    location_id: str
    kind: str
    reference: str
    on_hand_delta: int
    reserved_delta: int
    reason: str
    at: datetime


class Alert(BaseModel):
    id: int
    sku: str
    kind: str
    detail: dict[str, Any]
    raised_at: datetime


class Reconciliation(BaseModel):
    balanced: bool
    differences: list[dict[str, Any]]


class Replayed(BaseModel):
    replayed: int
    still_held: int


def _not_found(what: str) -> dict[int | str, dict[str, Any]]:
    return {404: {"description": f"{what} is not known", "content": {"application/json": {}}}}


def router(service: RunningService) -> APIRouter:
    api = APIRouter(tags=["inventory"])
    pool = service.pool

    @api.get(
        "/stock/{sku}",
        summary="Stock of one SKU at every location and per channel",
        responses=_not_found("the SKU"),
    )
    async def stock_of_sku(sku: str) -> SkuStock:
        async with pool.acquire() as conn:
            levels = (await store.stock.levels(conn, [sku])).get(sku)
            if levels is None:
                await _require_sku(conn, sku)
                levels = []
            channels = domain.channel_availability(
                {level.location_id: level.available for level in levels},
                await store.catalog.locations(conn),
                await store.catalog.policies_of_known_channels(conn),
            )
        return SkuStock(
            sku=sku,
            available=sum(level.available for level in levels),
            locations=levels,
            channels=channels,
        )

    @api.get(
        "/locations/{location_id}/stock",
        summary="Every SKU's stock at one location",
        responses=_not_found("the location"),
    )
    async def stock_at_location(location_id: str) -> LocationStock:
        async with pool.acquire() as conn:
            await _require_location(conn, location_id)
            rows = await store.stock.at_location(conn, location_id)
        return LocationStock(location_id=location_id, stock=rows)

    @api.get(
        "/reservations/{order_id}",
        summary="What an order holds, and its backorders",
        responses=_not_found("the order"),
    )
    async def reservation(order_id: str) -> Reservation:
        async with pool.acquire() as conn:
            row = await store.reservations.of_order(conn, order_id)
            if row is None:
                raise HTTPException(404, f"no reservation for order {order_id!r}")
            lines = await store.reservations.lines_of(conn, order_id)
            backorders = await store.backorders.of_order(conn, order_id)
        return Reservation(
            order_id=order_id,
            attempt=row["attempt"],
            status=row["status"],
            channel=row["channel"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            lines=[ReservationLine(**line) for line in lines],
            backorders=backorders,
        )

    @api.get(
        "/ledger/{sku}",
        summary="A SKU's movements, newest first",
        responses=_not_found("the SKU, or the location asked for,"),
    )
    async def ledger_of_sku(
        sku: str,
        location_id: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        before_id: Annotated[int | None, Query(ge=1, description="page: ids below this")] = None,
    ) -> list[LedgerEntry]:
        async with pool.acquire() as conn:
            await _require_sku(conn, sku)
            if location_id is not None:
                await _require_location(conn, location_id)
            rows = await store.ledger.of_sku(conn, sku, location_id, limit, before_id)
        return [LedgerEntry(**row) for row in rows]

    @api.get("/reconciliation", summary="Proof that the ledger's replay equals the balances")
    async def reconciliation() -> Reconciliation:
        async with pool.acquire() as conn:
            differences = await store.ledger.reconcile(conn)
        return Reconciliation(balanced=not differences, differences=differences)

    @api.get(
        "/alerts",
        summary="Reorder-point and slow-mover alerts, newest first",
        responses=_not_found("the SKU asked for"),
    )
    async def alerts(
        sku: str | None = None,
        kind: Annotated[str | None, Query(pattern="^(reorder_point|slow_mover)$")] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[Alert]:
        async with pool.acquire() as conn:
            if sku is not None:
                await _require_sku(conn, sku)
            rows = await store.alerts.listed(conn, sku, kind, limit)
        return [Alert(**row) for row in rows]

    @api.get("/kpis", summary="Turnover, days of inventory, slow movers, stock-outs, accuracy")
    async def inventory_kpis(
        window_days: Annotated[int, Query(ge=1, le=365)] = 30,
    ) -> kpis.InventoryKpis:
        async with pool.acquire() as conn:
            figures = await store.kpis.figures(conn, window_days)
        return kpis.of(figures, window_days)

    @api.get("/held-events", summary="Warehouse stock events waiting, with the reason")
    async def held_events(include_replayed: bool = False) -> list[dict[str, Any]]:
        async with pool.acquire() as conn:
            return await store.held_events.listed(conn, open_only=not include_replayed)

    @api.post(
        "/held-events/replay",
        summary="Apply held events again (all that can, or these)",
        responses=_not_found("A held event"),
    )
    async def replay(ids: Annotated[list[int] | None, Body(embed=True)] = None) -> Replayed:
        async with service.unit_of_work() as uow:
            if ids and (missing := await store.held_events.not_waiting(uow.conn, ids)):
                raise HTTPException(404, f"no held event waits with id {missing}")
            replayed = await use_cases.replay_held(uow, ids)
        async with pool.acquire() as conn:
            still_held = len(await store.held_events.listed(conn))
        return Replayed(replayed=replayed, still_held=still_held)

    @api.put("/products/{sku}", summary="Add or change a product; replays events held for it")
    async def put_product(sku: str, product: Product) -> Replayed:
        _same(sku, product.sku, "sku")
        async with service.unit_of_work() as uow:
            await store.catalog.save_product(uow.conn, product)
            replayed = await use_cases.replay_held(uow)
        return Replayed(replayed=replayed, still_held=await _held_count(service))

    @api.put("/locations/{location_id}", summary="Add or change a location")
    async def put_location(location_id: str, location: Location) -> Replayed:
        _same(location_id, location.location_id, "location_id")
        async with service.unit_of_work() as uow:
            await store.catalog.save_location(uow.conn, location)
            replayed = await use_cases.replay_held(uow)
            await use_cases.after_stock_change(uow, await store.stock.skus(uow.conn, location_id))
        return Replayed(replayed=replayed, still_held=await _held_count(service))

    @api.put("/channels/{channel}/policy", summary="Set a channel's buffer and shortage policy")
    async def put_policy(channel: str, policy: ChannelPolicy) -> ChannelPolicy:
        _same(channel, policy.channel, "channel")
        async with service.unit_of_work() as uow:
            await store.catalog.save_policy(uow.conn, policy)
            skus = await store.stock.skus(uow.conn)
            await use_cases.after_stock_change(uow, skus)  # every channel sees the new figure
        return policy

    return api


async def _require_sku(conn: Any, sku: str) -> None:
    if not await store.catalog.products(conn, [sku]):
        raise HTTPException(404, f"SKU {sku!r} is not known")


async def _require_location(conn: Any, location_id: str) -> None:
    if location_id not in await store.catalog.locations(conn):
        raise HTTPException(404, f"location {location_id!r} is not known")


def _same(in_path: str, in_body: str, field: str) -> None:
    if in_path != in_body:
        raise HTTPException(422, f"{field} in the path ({in_path!r}) and body ({in_body!r}) differ")


async def _held_count(service: RunningService) -> int:
    async with service.pool.acquire() as conn:
        return len(await store.held_events.listed(conn))
