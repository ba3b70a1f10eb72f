"""Channel item ids mapped to master SKUs: lines without a seller SKU (common on Shopee)."""

from typing import Annotated

import asyncpg
from fastapi import APIRouter, HTTPException, Path
from orderflow_contracts.setup import ChannelListing
from orderflow_runtime.http import Actor

from orderflow_intake import catalog, operations, store
from orderflow_intake.api.listings import components_of, known_skus
from orderflow_intake.api.schemas import ItemListingOut, ListingIn, Problem


def create_router(pool: asyncpg.Pool, setup_skus: frozenset[str]) -> APIRouter:
    router = APIRouter(prefix="/listings", tags=["listings"])

    @router.put(
        "/{channel}/items/{channel_item_id}",
        response_model=ItemListingOut,
        responses={422: {"model": Problem, "description": "a component repeated or unknown"}},
        summary="Map a channel's item id to master SKUs, for lines without a seller SKU",
        description="A line without a seller SKU (Shopee items whose `model_sku` and `item_sku`"
        " are empty) is mapped by the channel's own id of what it sells; Shopee:"
        " `item_id:model_id` from get_order_detail's item_list, model_id 0 for an item without"
        " variations. The unknown_sku hold names the id. Replaces an earlier mapping of the id."
        " A line with a seller SKU is always mapped by its SKU. Held orders are screened again"
        " when an operator releases them. Audited as `listing:{channel}:item:{channel_item_id}`.",
    )
    async def put_item_listing(
        channel: Annotated[str, Path(min_length=1)],
        channel_item_id: Annotated[str, Path(min_length=1, pattern=r"\S")],
        body: ListingIn,
        actor: Actor,
    ) -> ItemListingOut:
        listing = ChannelListing(
            channel=channel, channel_sku=channel_item_id, components=tuple(body.components)
        )
        problems = catalog.component_problems(listing, await known_skus(pool, setup_skus))
        if problems:
            raise HTTPException(422, f"{channel} item {channel_item_id}: {'; '.join(problems)}")
        await operations.put_item_listing(pool, listing, channel_item_id, actor)
        return ItemListingOut(
            channel=channel, channel_item_id=channel_item_id, components=body.components
        )

    @router.get(
        "/{channel}/items",
        response_model=list[ItemListingOut],
        summary="A channel's item ids mapped to master SKUs (lines without a seller SKU)",
    )
    async def list_item_listings(channel: str) -> list[ItemListingOut]:
        async with pool.acquire() as conn:
            rows = await store.all_item_listings(conn, channel)
        return [
            ItemListingOut(
                channel=row["channel"],
                channel_item_id=row["channel_item_id"],
                components=components_of(row),
            )
            for row in rows
        ]

    return router
