"""The console's HTTP app: the page (static/), the services' APIs under /api/<service>/, an
order's timeline across the five services, and the dead letters with their replay."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from orderflow_console import timeline
from orderflow_console.config import ConsoleSettings
from orderflow_console.deadletters import DeadLetterNotFound, DeadLetters, LetterId
from orderflow_console.proxy import Upstreams

STATIC = Path(__file__).parent / "static"
PROXIED_METHODS = ["GET", "POST", "PUT"]


def create_app(settings: ConsoleSettings, client: httpx.AsyncClient | None = None) -> FastAPI:
    """`client`: the one the proxy asks the services with (tests pass theirs)."""
    upstreams = Upstreams(settings.upstreams, settings.actor, client or httpx.AsyncClient())

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
        return {"services": settings.upstreams, "dead_letters": bool(settings.bootstrap_servers)}

    @app.get("/api/timeline/{wanted}", summary="One order's timeline, by order or correlation id")
    async def order_timeline(wanted: str) -> dict[str, Any]:
        order_id = await timeline.order_id_of(upstreams, wanted)
        if order_id is None:
            raise HTTPException(404, f"no order with the id or correlation id {wanted!r}")
        return await timeline.fetch(upstreams, order_id)

    _dead_letter_routes(app, settings)

    @app.api_route("/api/{service}/{path:path}", methods=PROXIED_METHODS, include_in_schema=False)
    async def proxied(service: str, path: str, request: Request) -> Response:
        return await upstreams.forward(service, path, request)

    return app


def _dead_letter_routes(app: FastAPI, settings: ConsoleSettings) -> None:
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
    async def replay(letter_id: str) -> dict[str, Any]:
        require_broker()
        try:
            letter = LetterId.parse(letter_id)
        except ValueError as error:
            raise HTTPException(
                422, f"not a dead-letter id ({error}); expected <topic>.dlq:<partition>:<offset>"
            ) from None
        try:
            return await letters.replay(letter)
        except DeadLetterNotFound as missing:
            raise HTTPException(404, str(missing)) from None
