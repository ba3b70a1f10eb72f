"""intake's HTTP API, one router per resource: webhooks in, the order view, the exception queue
and the operator's actions on an order, raw payloads, listings, KPIs. `create_router` mounts
them all. OpenAPI at /openapi.json, docs at /docs."""

import asyncpg
from fastapi import APIRouter, Depends
from orderflow_contracts.setup import SellerSetup

from orderflow_intake.api import (
    exception_queue,
    item_listings,
    kpis,
    listings,
    order_actions,
    orders,
    products,
    raw,
    webhooks,
)
from orderflow_intake.api.dependencies import bind_request
from orderflow_intake.config import Settings
from orderflow_intake.screening import ScreeningRules


def create_router(
    pool: asyncpg.Pool, settings: Settings, rules: ScreeningRules, setup: SellerSetup
) -> APIRouter:
    router = APIRouter(dependencies=[Depends(bind_request)])
    router.include_router(webhooks.create_router(pool, settings, rules))
    router.include_router(orders.create_router(pool))
    router.include_router(exception_queue.create_router(pool))
    router.include_router(order_actions.create_router(pool, rules))
    router.include_router(raw.create_router(pool, rules))
    known_skus = frozenset(product.sku for product in setup.products)
    router.include_router(listings.create_router(pool, known_skus))
    router.include_router(item_listings.create_router(pool, known_skus))
    router.include_router(products.create_router(pool, setup))
    router.include_router(kpis.create_router(pool))
    return router
