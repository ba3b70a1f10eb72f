"""The channel SKU -> master SKU map, read and changed at run time."""

from typing import Annotated

import asyncpg
from fastapi import APIRouter, HTTPException, Path
from orderflow_contracts.setup import ChannelListing, ListingComponent
from orderflow_runtime.http import Actor

from orderflow_intake import catalog, operations, store
from orderflow_intake.api.dependencies import Responses
from orderflow_intake.api.schemas import ListingIn, ListingOut, ListingsIn, Problem

Channel = Annotated[str, Path(min_length=1)]
NO_SELLER_SKU = (
    "a line without a seller SKU is mapped by the channel's item id instead:"
    " PUT /listings/{channel}/items/{channel_item_id} (the unknown_sku hold names it)"
)
REFUSALS: Responses = {
    409: {"model": Problem, "description": "ambiguous with another channel SKU"},
    422: {"model": Problem, "description": "a component repeated or unknown"},
}


async def known_skus(pool: asyncpg.Pool, setup_skus: frozenset[str]) -> frozenset[str]:
    """The master SKUs a listing may name: the seller setup's and those added over the API."""
    return setup_skus | await store.product_skus(pool)


def create_router(pool: asyncpg.Pool, setup_skus: frozenset[str]) -> APIRouter:
    router = APIRouter(prefix="/listings", tags=["listings"])

    @router.get("", response_model=list[ListingOut])
    async def list_listings(channel: str | None = None) -> list[ListingOut]:
        async with pool.acquire() as conn:
            rows = await store.all_listings(conn, channel)
        return [_listing_out(row) for row in rows]

    @router.put(
        "/{channel}/{channel_sku}",
        response_model=ListingOut,
        responses=REFUSALS,
        summary="Map a channel SKU to master SKUs (replaces its mapping)",
        description="Held orders with this SKU are screened again when an operator releases them.",
    )
    async def put_listing(
        channel: Channel,
        channel_sku: Annotated[str, Path(min_length=1)],
        body: ListingIn,
        actor: Actor,
    ) -> ListingOut:
        listing = ChannelListing(
            channel=channel, channel_sku=channel_sku, components=tuple(body.components)
        )
        await _put(pool, [listing], actor, await known_skus(pool, setup_skus))
        return ListingOut(channel=channel, channel_sku=channel_sku, components=body.components)

    @router.put(
        "/{channel}",
        response_model=list[ListingOut],
        responses=REFUSALS,
        summary="Map several channel SKUs at once, all or none",
        description="E.g. every SKU an unknown_sku hold names, then one release. One"
        " transaction: a problem with any listing (every one is named) changes nothing. Each"
        " listing is audited as `listing:{channel}:{channel_sku}`.",
    )
    async def put_listings(channel: Channel, body: ListingsIn, actor: Actor) -> list[ListingOut]:
        listings = [
            ChannelListing(
                channel=channel, channel_sku=item.channel_sku, components=tuple(item.components)
            )
            for item in body.listings
        ]
        await _put(pool, listings, actor, await known_skus(pool, setup_skus))
        return [ListingOut(channel=channel, **item.model_dump()) for item in body.listings]

    return router


async def _put(
    pool: asyncpg.Pool, listings: list[ChannelListing], actor: str, known: frozenset[str]
) -> None:
    problems = [problem for listing in listings for problem in catalog.problems_in(listing, known)]
    if any(not listing.channel_sku.strip() for listing in listings):
        problems.append(NO_SELLER_SKU)
    repeated = len({catalog.normalised(listing.channel_sku) for listing in listings})
    if repeated != len(listings):
        problems.append("a channel SKU is listed twice (up to case and spaces)")
    if problems:
        raise HTTPException(422, "; ".join(problems))
    try:
        await operations.put_listings(pool, listings, actor)
    except catalog.ListingConflict as error:
        raise HTTPException(409, str(error)) from None


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
