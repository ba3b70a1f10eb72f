"""What the resources share: the 404 they document, the lookups that answer it, the check that a
path and its body name the same thing, and the count of events still held."""

from typing import Any

import asyncpg
from fastapi import HTTPException
from orderflow_runtime import RunningService

from orderflow_inventory import store


def not_found(what: str) -> dict[int | str, dict[str, Any]]:
    return {404: {"description": f"{what} is not known", "content": {"application/json": {}}}}


async def require_sku(conn: asyncpg.Connection, sku: str) -> None:
    if not await store.catalog.products(conn, [sku]):
        raise HTTPException(404, f"SKU {sku!r} is not known")


async def require_location(conn: asyncpg.Connection, location_id: str) -> None:
    if location_id not in await store.catalog.locations(conn):
        raise HTTPException(404, f"location {location_id!r} is not known")


def same(in_path: str, in_body: str, field: str) -> None:
    if in_path != in_body:
        raise HTTPException(422, f"{field} in the path ({in_path!r}) and body ({in_body!r}) differ")


async def held_count(service: RunningService) -> int:
    async with service.pool.acquire() as conn:
        return len(await store.held_events.listed(conn))
