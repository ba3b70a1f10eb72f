"""Each service's HTTP API: /healthz for orchestrators, /metrics for Prometheus, plus the routes
the service adds, with OpenAPI at /openapi.json and Swagger UI at /docs (its assets served
from the package). Served by uvicorn inside the service's event loop."""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import Histogram

from orderflow_runtime.access import actor
from orderflow_runtime.metrics import CONTENT_TYPE

SWAGGER_UI = Path(__file__).parent / "swagger_ui"  # swagger-ui-dist, see its VERSION file

# Who takes an operator's action, recorded with it in the audit: the API key's operator, or
# the X-Actor header where the API is open.
Actor = Annotated[str, Depends(actor)]


def build_api(
    title: str,
    health: Callable[[], Awaitable[dict[str, Any]]],
    router: APIRouter | None,
    metrics: Callable[[], Awaitable[bytes]],
    request_seconds: Histogram,
    guard: Any = None,
) -> FastAPI:
    """`guard`: the dependency the service's own routes run first (`access.guard`); /healthz,
    /metrics and /docs stay open to orchestrators, Prometheus and readers."""
    # Swagger UI from the package, not a CDN: /docs works offline (ReDoc, CDN-only, is off).
    api = FastAPI(title=title, version="0.1.0", docs_url=None, redoc_url=None)
    api.mount("/docs-assets", StaticFiles(directory=SWAGGER_UI), name="docs-assets")

    @api.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{title}: API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
        )

    @api.middleware("http")
    async def time_requests(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")  # the template, e.g. /orders/{order_id}
        request_seconds.labels(
            request.method, getattr(route, "path", "unmatched"), str(response.status_code)
        ).observe(time.perf_counter() - started)
        return response

    @api.get("/healthz", tags=["operations"], summary="Liveness and consumer assignment")
    async def healthz() -> dict[str, Any]:
        return await health()

    @api.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics: consumer, lag, outbox, relay, HTTP latency",
        response_class=PlainTextResponse,
    )
    async def prometheus_metrics() -> Response:
        return Response(await metrics(), media_type=CONTENT_TYPE)

    if router is not None:
        api.include_router(router, dependencies=[guard] if guard is not None else None)
    return api


class _ServerInsideService(uvicorn.Server):
    """The service owns SIGTERM/SIGINT; uvicorn must not take them over."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class ApiServer:
    def __init__(self, api: FastAPI, port: int) -> None:
        config = uvicorn.Config(
            api, host="0.0.0.0", port=port, log_config=None, access_log=False, lifespan="off"
        )
        self._server = _ServerInsideService(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve(), name="http")
        while not self._server.started:
            if self._task.done():
                await self._task  # raises why it could not start, e.g. the port is taken
                raise RuntimeError("HTTP server stopped during start")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        self._server.should_exit = True
        if self._task is not None:
            await self._task
