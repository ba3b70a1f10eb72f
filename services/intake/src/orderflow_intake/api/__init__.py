"""intake's HTTP API: webhooks in, the order view, the exception queue, listings, KPIs.
OpenAPI at /openapi.json, docs at /docs."""

import uuid
from collections.abc import AsyncIterator

import asyncpg
import structlog
from fastapi import APIRouter, Depends, Request
from orderflow_contracts.setup import SellerSetup

from orderflow_intake.api import kpis, listings, orders, raw, webhooks
from orderflow_intake.config import Settings
from orderflow_intake.screening import ScreeningRules

log = structlog.get_logger()


async def _bind_request(request: Request) -> AsyncIterator[None]:
    """Context for every log line of the request, bound once; handlers add the order's ids."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    with structlog.contextvars.bound_contextvars(
        request_id=request_id, method=request.method, path=request.url.path
    ):
        yield


def create_router(
    pool: asyncpg.Pool, settings: Settings, rules: ScreeningRules, setup: SellerSetup
) -> APIRouter:
    router = APIRouter(dependencies=[Depends(_bind_request)])
    router.include_router(webhooks.create_router(pool, settings, rules))
    router.include_router(orders.create_router(pool, rules))
    router.include_router(raw.create_router(pool, rules))
    router.include_router(
        listings.create_router(pool, frozenset(product.sku for product in setup.products))
    )
    router.include_router(kpis.create_router(pool))
    return router
