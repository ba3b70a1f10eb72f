"""Each service's HTTP API: /healthz for orchestrators plus the routes the service adds, with
OpenAPI at /openapi.json and docs at /docs. Served by uvicorn inside the service's event loop."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import uvicorn
from fastapi import APIRouter, FastAPI


def build_api(
    title: str, health: Callable[[], Awaitable[dict[str, Any]]], router: APIRouter | None
) -> FastAPI:
    api = FastAPI(title=title, version="0.1.0")

    @api.get("/healthz", tags=["operations"], summary="Liveness and consumer assignment")
    async def healthz() -> dict[str, Any]:
        return await health()

    if router is not None:
        api.include_router(router)
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
