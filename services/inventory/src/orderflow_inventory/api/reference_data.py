"""The reference data an operator manages: products, locations and channel policies, each change
audited with its actor (GET /audit)."""

from fastapi import APIRouter
from orderflow_contracts.setup import ChannelPolicy, Location, Product
from orderflow_runtime import RunningService
from orderflow_runtime.http import Actor

from orderflow_inventory.api.dependencies import held_count, same
from orderflow_inventory.api.schemas import Replayed
from orderflow_inventory.use_cases import operator_actions

AUDITED = " Audited with the actor (the API key's operator, or X-Actor where the API is open)."


def router(service: RunningService) -> APIRouter:
    api = APIRouter()

    @api.put(
        "/products/{sku}",
        summary="Add or change a product; replays events held for it",
        description="Tier and lead time are inventory's own." + AUDITED,
    )
    async def put_product(sku: str, product: Product, actor: Actor) -> Replayed:
        same(sku, product.sku, "sku")
        async with service.unit_of_work() as uow:
            replayed = await operator_actions.put_product(uow, product, actor)
        return Replayed(replayed=len(replayed), still_held=await held_count(service))

    @api.put(
        "/locations/{location_id}",
        summary="Add or change a location; replays events held for it",
        description=AUDITED.strip(),
    )
    async def put_location(location_id: str, location: Location, actor: Actor) -> Replayed:
        same(location_id, location.location_id, "location_id")
        async with service.unit_of_work() as uow:
            replayed = await operator_actions.put_location(uow, location, actor)
        return Replayed(replayed=len(replayed), still_held=await held_count(service))

    @api.put(
        "/channels/{channel}/policy",
        summary="Set a channel's buffer and shortage policy",
        description="Every channel's available-to-sell is published again." + AUDITED,
    )
    async def put_policy(channel: str, policy: ChannelPolicy, actor: Actor) -> ChannelPolicy:
        same(channel, policy.channel, "channel")
        async with service.unit_of_work() as uow:
            await operator_actions.put_policy(uow, policy, actor)
        return policy

    return api
