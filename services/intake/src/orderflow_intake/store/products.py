"""Master SKUs added or changed over the API (the seller setup's are in the setup)."""

from collections.abc import Iterable

import asyncpg
from orderflow_contracts.setup import Product


async def put_product(conn: asyncpg.Connection, product: Product) -> bool:
    """Create or replace one product; True when it is new."""
    return bool(
        await conn.fetchval(
            "INSERT INTO products (sku, product) VALUES ($1, $2::jsonb)"
            " ON CONFLICT (sku) DO UPDATE SET product = EXCLUDED.product, updated_at = now()"
            " RETURNING xmax = 0",
            product.sku,
            product.model_dump_json(),
        )
    )


async def product_skus(conn: asyncpg.Connection | asyncpg.Pool) -> frozenset[str]:
    return frozenset(row["sku"] for row in await conn.fetch("SELECT sku FROM products"))


async def attributes_of(conn: asyncpg.Connection, skus: Iterable[str]) -> dict[str, frozenset[str]]:
    """The screening attributes (restricted goods) of these products."""
    rows = await conn.fetch(
        "SELECT sku, ARRAY(SELECT jsonb_array_elements_text(product->'attributes')) AS attributes"
        " FROM products WHERE sku = ANY($1::text[])",
        sorted(set(skus)),
    )
    return {row["sku"]: frozenset(row["attributes"]) for row in rows}


async def all_products(pool: asyncpg.Pool) -> list[Product]:
    rows = await pool.fetch("SELECT product FROM products ORDER BY sku")
    return [Product.model_validate_json(row["product"]) for row in rows]


async def product(pool: asyncpg.Pool, sku: str) -> Product | None:
    found = await pool.fetchval("SELECT product FROM products WHERE sku = $1", sku)
    return None if found is None else Product.model_validate_json(found)
