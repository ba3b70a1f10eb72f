"""The reference data an operator manages: products, locations and channel policies. A new
product or location replays the warehouse events held for it."""

from fastapi import APIRouter
from orderflow_contracts.setup import ChannelPolicy, Location, Product
from orderflow_runtime import RunningService

from orderflow_inventory import store, use_cases
from orderflow_inventory.api.dependencies import held_count, same
from orderflow_inventory.api.schemas import Replayed


def router(service: RunningService) -> APIRouter:
    api = APIRouter()

    @api.put("/products/{sku}", summary="Add or change a product; replays events held for it")
    async def put_product(sku: str, product: Product) -> Replayed:
        same(sku, product.sku, "sku")
        async with service.unit_of_work() as uow:
            await store.catalog.save_product(uow.conn, product)
            replayed = await use_cases.replay_held(uow)
        return Replayed(replayed=replayed, still_held=await held_count(service))

    @api.put("/locations/{location_id}", summary="Add or change a location")
    async def put_location(location_id: str, location: Location) -> Replayed:
        same(location_id, location.location_id, "location_id")
        async with service.unit_of_work() as uow:
            await store.catalog.save_location(uow.conn, location)
            replayed = await use_cases.replay_held(uow)
            await use_cases.after_stock_change(uow, await store.stock.skus(uow.conn, location_id))
        return Replayed(replayed=replayed, still_held=await held_count(service))

    @api.put("/channels/{channel}/policy", summary="Set a channel's buffer and shortage policy")
    async def put_policy(channel: str, policy: ChannelPolicy) -> ChannelPolicy:
        same(channel, policy.channel, "channel")
        async with service.unit_of_work() as uow:
            await store.catalog.save_policy(uow.conn, policy)
            skus = await store.stock.skus(uow.conn)
            await use_cases.after_stock_change(uow, skus)  # every channel sees the new figure
        return policy

    return api
