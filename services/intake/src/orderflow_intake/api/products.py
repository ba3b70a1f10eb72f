"""Master SKUs: the seller setup's, and those an operator adds or changes at run time, so a new
product needs no setup-file edit and no restart."""

import re
from typing import Annotated

import asyncpg
from fastapi import APIRouter, HTTPException, Path
from orderflow_contracts.setup import Product, SellerSetup
from orderflow_runtime.http import Actor

from orderflow_intake import operations, store
from orderflow_intake.api.schemas import Problem, ProductIn, ProductOut

Sku = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^\S(.*\S)?$")]
ATTRIBUTE = re.compile(r"^[a-z][a-z0-9_]*$")


def create_router(pool: asyncpg.Pool, setup: SellerSetup) -> APIRouter:
    router = APIRouter(prefix="/products", tags=["products"])
    from_setup = {product.sku: product for product in setup.products}

    async def everything() -> dict[str, ProductOut]:
        found = {sku: _out(product, "setup") for sku, product in from_setup.items()}
        found.update({p.sku: _out(p, "api") for p in await store.all_products(pool)})
        return found

    @router.get("", response_model=list[ProductOut], summary="Every master SKU")
    async def list_products() -> list[ProductOut]:
        return [product for _, product in sorted((await everything()).items())]

    @router.get("/{sku}", response_model=ProductOut, responses={404: {"model": Problem}})
    async def get_product(sku: str) -> ProductOut:
        found = (await everything()).get(sku)
        if found is None:
            raise HTTPException(404, f"no product {sku}")
        return found

    @router.put(
        "/{sku}",
        response_model=ProductOut,
        responses={422: {"model": Problem, "description": "a malformed attribute"}},
        summary="Add or change a master SKU; listings may name it at once",
        description="Persisted in intake (a SKU of the seller setup takes this definition over"
        " the file's, also after a restart), audited as `product:{sku}` with the actor, and"
        " announced as ProductDefined on `catalog.products` (key: SKU, compacted) for routing"
        " and inventory. Screening checks its attributes against the destination's restricted"
        " goods from the next screening on; held orders are screened again on release.",
    )
    async def put_product(sku: Sku, body: ProductIn, actor: Actor) -> ProductOut:
        malformed = [a for a in body.attributes if not ATTRIBUTE.fullmatch(a)]
        if malformed:
            raise HTTPException(
                422, f"attributes are snake_case words: {', '.join(map(repr, malformed))}"
            )
        product = Product(
            sku=sku,
            **body.model_dump(exclude={"attributes"}),
            attributes=tuple(dict.fromkeys(body.attributes)),
        )
        await operations.put_product(pool, product, actor)
        return _out(product, "api")

    return router


def _out(product: Product, source: str) -> ProductOut:
    return ProductOut(
        **product.model_dump(exclude={"attributes", "sku"}),
        sku=product.sku,
        attributes=list(product.attributes),
        source=source,
    )
