"""The console's HTTP app: the page (static/), the services' APIs under /api/<service>/, an
order's timeline across the five services, the dead letters with their replay, the KPI charts
and the bus's AsyncAPI document.

With a keys file (CONSOLE_API_KEYS_FILE, the services' own) the console's own routes check the
caller's key and role as the services do (reading needs read, a replay needs operate), and its
reads of the services carry the caller's key: the page asks the operator for it."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import APIRouter, FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles
from orderflow_runtime import access

from orderflow_console import bus, deadlines, kpis, timeline
from orderflow_console.config import ConsoleSettings
from orderflow_console.deadletters import DeadLetterNotFound, DeadLetters, LetterId
from orderflow_console.proxy import Upstreams

STATIC = Path(__file__).parent / "static"
PROXIED_METHODS = ["GET", "POST", "PUT"]


def create_app(settings: ConsoleSettings, client: httpx.AsyncClient | None = None) -> FastAPI:
    """`client`: the one the proxy asks the services with (tests pass theirs)."""
    upstreams = Upstreams(settings.upstreams, settings.actor, client or httpx.AsyncClient())
    keys = access.Keys.load(settings.api_keys_file) if settings.api_keys_file else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if client is None:
            await upstreams.client.aclose()

    # No Swagger UI: it would load its assets from a CDN; /openapi.json describes the API.
    app = FastAPI(title="orderflow console", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/api/services", summary="The services the console reaches, and where")
    async def services() -> dict[str, Any]:
        return {
            "services": settings.upstreams,
            "dead_letters": bool(settings.bootstrap_servers),
            "api_keys": keys is not None,
        }

    @app.get("/healthz", summary="Liveness: the console answers (the services have their own)")
    async def healthz() -> dict[str, Any]:
        return {"service": "console", "status": "ok", "api_access": "keys" if keys else "open"}

    @app.get("/asyncapi.yaml", summary="The bus's AsyncAPI document (docs/asyncapi.yaml)")
    async def asyncapi_document() -> PlainTextResponse:
        return PlainTextResponse(bus.document(), media_type="application/yaml")

    @app.get("/asyncapi", include_in_schema=False)
    async def asyncapi_page() -> HTMLResponse:
        return HTMLResponse(bus.page())

    guard: Any = access.guard(keys, admin_routes=())  # a Depends, typed as an object
    own = APIRouter(dependencies=[guard])

    _read_routes(own, upstreams)
    _dead_letter_routes(own, settings)
    app.include_router(own)

    @app.api_route("/api/{service}/{path:path}", methods=PROXIED_METHODS, include_in_schema=False)
    async def proxied(service: str, path: str, request: Request) -> Response:
        return await upstreams.forward(service, path, request)

    return app


def _read_routes(app: APIRouter, upstreams: Upstreams) -> None:
    """What the console itself answers from the services, asked with the caller's key."""

    @app.get("/api/whoami", summary="The operator the caller's key names, and their role")
    async def whoami(request: Request) -> dict[str, Any]:
        operator: access.Operator | None = getattr(request.state, "operator", None)
        if operator is None:
            return {"name": None, "role": None, "api_keys": False}
        return {"name": operator.name, "role": operator.role.name.lower(), "api_keys": True}

    @app.get("/api/timeline/{wanted}", summary="One order's timeline, by order or correlation id")
    async def order_timeline(wanted: str, request: Request) -> dict[str, Any]:
        caller = upstreams.on_behalf_of(request)
        order_id = await timeline.order_id_of(caller, wanted)
        if order_id is None:
            raise HTTPException(404, f"no order with the id or correlation id {wanted!r}")
        return await timeline.fetch(caller, order_id)

    @app.get("/api/kpis", summary="The seeds' KPIs from the services' /kpis, as SVG charts")
    async def kpi_charts(request: Request) -> dict[str, Any]:
        return await kpis.fetch(upstreams.on_behalf_of(request))

    @app.get(
        "/api/ship-by",
        summary="Shipments at 50, 80 and 100 % of their time to ship-by (fulfillment's at-risk"
        " and late lists), late first; of one marketplace with ?channel=",
    )
    async def ship_by_alerts(request: Request, channel: str | None = None) -> dict[str, Any]:
        return await deadlines.fetch(upstreams.on_behalf_of(request), channel or None)


def _dead_letter_routes(app: APIRouter, settings: ConsoleSettings) -> None:
    letters = DeadLetters(settings.bootstrap_servers)

    def require_broker() -> None:
        if not settings.bootstrap_servers:
            raise HTTPException(
                503, "the console was started without CONSOLE_KAFKA_BOOTSTRAP_SERVERS"
            )

    @app.get("/api/dead-letters", summary="Every <topic>.dlq record, newest first")
    async def dead_letters(limit: int = Query(200, ge=1, le=5000)) -> list[dict[str, Any]]:
        require_broker()
        return await letters.listed(limit)

    @app.post(
        "/api/dead-letters/{letter_id}/replay",
        summary="Publish a dead letter (<dlq topic>:<partition>:<offset>) to its source topic",
    )
    async def replay(letter_id: str, request: Request) -> dict[str, Any]:
        require_broker()
        try:
            letter = LetterId.parse(letter_id)
        except ValueError as error:
            raise HTTPException(
                422, f"not a dead-letter id ({error}); expected <topic>.dlq:<partition>:<offset>"
            ) from None
        try:
            return await letters.replay(letter, _actor(request, settings))
        except DeadLetterNotFound as missing:
            raise HTTPException(404, str(missing)) from None


def _actor(request: Request, settings: ConsoleSettings) -> str:
    """Who acts: the key's operator; where the console is open, X-Actor or the console."""
    operator: access.Operator | None = getattr(request.state, "operator", None)
    if operator is not None:
        return operator.name
    return request.headers.get("x-actor") or settings.actor
