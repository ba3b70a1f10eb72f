"""Stock of one SKU everywhere, and of every SKU at one location."""

from fastapi import APIRouter
from orderflow_runtime import RunningService

from orderflow_inventory import domain, store
from orderflow_inventory.api.dependencies import not_found, require_location, require_sku
from orderflow_inventory.api.schemas import LocationStock, SkuStock


def router(service: RunningService) -> APIRouter:
    api = APIRouter()
    pool = service.pool

    @api.get(
        "/stock/{sku}",
        summary="Stock of one SKU at every location and per channel",
        responses=not_found("the SKU"),
    )
    async def stock_of_sku(sku: str) -> SkuStock:
        async with pool.acquire() as conn:
            levels = (await store.stock.levels(conn, [sku])).get(sku)
            if levels is None:
                await require_sku(conn, sku)
                levels = []
            channels = domain.channel_availability(
                {level.location_id: level.available for level in levels},
                await store.catalog.locations(conn),
                await store.catalog.policies_of_known_channels(conn),
            )
        available = sum(level.available for level in levels)
        return SkuStock(sku=sku, available=available, locations=levels, channels=channels)

    @api.get(
        "/locations/{location_id}/stock",
        summary="Every SKU's stock at one location",
        responses=not_found("the location"),
    )
    async def stock_at_location(location_id: str) -> LocationStock:
        async with pool.acquire() as conn:
            await require_location(conn, location_id)
            rows = await store.stock.at_location(conn, location_id)
        return LocationStock(location_id=location_id, stock=rows)

    return api
