"""The channel SKU -> master SKU map, read and changed at run time."""

from typing import Annotated

import asyncpg
from fastapi import APIRouter, Header, HTTPException, Path
from orderflow_contracts.setup import ChannelListing, ListingComponent

from orderflow_intake import catalog, operations, store
from orderflow_intake.api.schemas import ListingIn, ListingOut, Problem

Actor = Annotated[str, Header(alias="X-Actor", min_length=1, max_length=200)]
NO_SELLER_SKU = (
    "a line without a seller SKU is mapped by the channel's item id instead:"
    " PUT /listings/{channel}/items/{channel_item_id} (the unknown_sku hold names it)"
)


def create_router(pool: asyncpg.Pool, known_skus: frozenset[str]) -> APIRouter:
    router = APIRouter(prefix="/listings", tags=["listings"])

    @router.get("", response_model=list[ListingOut])
    async def list_listings(channel: str | None = None) -> list[ListingOut]:
        async with pool.acquire() as conn:
            rows = await store.all_listings(conn, channel)
        return [_listing_out(row) for row in rows]

    @router.put(
        "/{channel}/{channel_sku}",
        response_model=ListingOut,
        responses={
            409: {"model": Problem, "description": "ambiguous with another channel SKU"},
            422: {"model": Problem, "description": "a component repeated or unknown"},
        },
        summary="Map a channel SKU to master SKUs (replaces its mapping)",
        description="Held orders with this SKU are screened again when an operator releases them.",
    )
    async def put_listing(
        channel: Annotated[str, Path(min_length=1)],
        channel_sku: Annotated[str, Path(min_length=1)],
        body: ListingIn,
        actor: Actor,
    ) -> ListingOut:
        listing = ChannelListing(
            channel=channel, channel_sku=channel_sku, components=tuple(body.components)
        )
        problems = catalog.problems_in(listing, known_skus)
        if not channel_sku.strip():
            problems.append(NO_SELLER_SKU)
        if problems:
            raise HTTPException(422, "; ".join(problems))
        try:
            await operations.put_listing(pool, listing, actor)
        except catalog.ListingConflict as error:
            raise HTTPException(409, str(error)) from None
        return ListingOut(channel=channel, channel_sku=channel_sku, components=body.components)

    return router


def components_of(row: asyncpg.Record) -> list[ListingComponent]:
    return [
        ListingComponent(sku=sku, quantity=quantity)
        for sku, quantity in zip(row["skus"], row["quantities"], strict=True)
    ]


def _listing_out(row: asyncpg.Record) -> ListingOut:
    return ListingOut(
        channel=row["channel"],
        channel_sku=row["channel_sku"],
        components=components_of(row),
    )
