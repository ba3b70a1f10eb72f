"""routing's tables."""

import json
from typing import Any

import asyncpg
from orderflow_contracts.intake import OrderAccepted
from orderflow_contracts.inventory import StockLevelChanged
from orderflow_contracts.order import OrderLine
from orderflow_contracts.setup import SellerSetup

from orderflow_routing.domain import Stock


async def load_network(conn: asyncpg.Connection, setup: SellerSetup) -> None:
    async with conn.transaction():
        await conn.executemany(
            "INSERT INTO locations (location_id, kind, country) VALUES ($1, $2, $3)"
            " ON CONFLICT (location_id) DO UPDATE SET kind = EXCLUDED.kind, country = EXCLUDED.country",
            [(loc.location_id, loc.kind, loc.country) for loc in setup.locations],
        )
        await conn.execute("DELETE FROM rates")
        await conn.executemany(
            "INSERT INTO rates (location_id, carrier, service, countries, max_weight_grams, base, per_kg)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [
                (
                    r.location_id,
                    r.carrier,
                    r.service,
                    list(r.countries),
                    r.max_weight_grams,
                    r.base,
                    r.per_kg,
                )
                for r in setup.rates
            ],
        )
        await conn.executemany(
            "INSERT INTO products (sku, weight_grams) VALUES ($1, $2)"
            " ON CONFLICT (sku) DO UPDATE SET weight_grams = EXCLUDED.weight_grams",
            [(p.sku, p.weight_grams) for p in setup.products],
        )


async def stock_for(conn: asyncpg.Connection, skus: list[str]) -> Stock:
    rows = await conn.fetch(
        "SELECT sku, location_id, available FROM stock_replica WHERE sku = ANY($1::text[])", skus
    )
    return {(row["sku"], row["location_id"]): row["available"] for row in rows}


async def set_available(conn: asyncpg.Connection, levels: list[tuple[str, str, int]]) -> None:
    await conn.executemany(
        "INSERT INTO stock_replica (sku, location_id, available) VALUES ($1, $2, $3)"
        " ON CONFLICT (sku, location_id) DO UPDATE SET available = EXCLUDED.available, updated_at = now()",
        levels,
    )


async def apply_levels(conn: asyncpg.Connection, event: StockLevelChanged) -> None:
    await set_available(
        conn, [(event.sku, level.location_id, level.available) for level in event.locations]
    )


async def remember_order(conn: asyncpg.Connection, event: OrderAccepted) -> bool:
    inserted = await conn.fetchval(
        "INSERT INTO orders (order_id, accepted, attempt, status) VALUES ($1, $2::jsonb, 0, 'planned')"
        " ON CONFLICT (order_id) DO NOTHING RETURNING true",
        event.order.order_id,
        event.model_dump_json(),
    )
    return bool(inserted)


async def order(conn: asyncpg.Connection, order_id: str) -> tuple[OrderAccepted, int, str] | None:
    row = await conn.fetchrow(
        "SELECT accepted, attempt, status FROM orders WHERE order_id = $1 FOR UPDATE", order_id
    )
    if row is None:
        return None
    return OrderAccepted.model_validate_json(row["accepted"]), row["attempt"], row["status"]


async def record_decision(
    conn: asyncpg.Connection, order_id: str, attempt: int, outcome: str, explanation: dict[str, Any]
) -> None:
    await conn.execute(
        "UPDATE orders SET attempt = $2, status = $3, updated_at = now() WHERE order_id = $1",
        order_id,
        attempt,
        "planned" if outcome == "planned" else "unroutable",
    )
    await conn.execute(
        "INSERT INTO decisions (order_id, attempt, outcome, explanation) VALUES ($1, $2, $3, $4::jsonb)"
        " ON CONFLICT DO NOTHING",
        order_id,
        attempt,
        outcome,
        json.dumps(explanation, default=str),
    )


async def mark_reserved(conn: asyncpg.Connection, order_id: str) -> None:
    await conn.execute(
        "UPDATE orders SET status = 'reserved', updated_at = now() WHERE order_id = $1", order_id
    )


def line_skus(lines: tuple[OrderLine, ...]) -> list[str]:
    return sorted({line.sku for line in lines})
