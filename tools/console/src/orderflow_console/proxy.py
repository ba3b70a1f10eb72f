"""The services' APIs under one origin: /api/<service>/<path> is forwarded to that service
server-side, so the page needs no CORS. Actions carry the operator's X-Actor (the console's
own name when the page sends none) and any API key the page sends."""

from typing import Any

import httpx
from fastapi import HTTPException, Request, Response

FORWARDED_HEADERS = ("authorization", "x-api-key", "x-actor", "content-type", "x-request-id")


class Upstreams:
    def __init__(self, urls: dict[str, str], actor: str, client: httpx.AsyncClient) -> None:
        self.urls = urls
        self.actor = actor
        self.client = client

    def url(self, service: str, path: str) -> str:
        base = self.urls.get(service)
        if base is None:
            raise HTTPException(404, f"the console does not know the service {service!r}")
        return f"{base}/{path.lstrip('/')}"

    async def get_json(self, service: str, path: str, **params: Any) -> tuple[int, Any]:
        """The service's status and JSON body; (0, error text) when it cannot be reached."""
        try:
            response = await self.client.get(self.url(service, path), params=params)
        except httpx.HTTPError as error:
            return 0, f"{service} unreachable: {error!r}"
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    async def forward(self, service: str, path: str, request: Request) -> Response:
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in FORWARDED_HEADERS
        }
        headers.setdefault("x-actor", self.actor)
        try:
            upstream = await self.client.request(
                request.method,
                self.url(service, path),
                params=request.query_params,
                content=await request.body(),
                headers=headers,
            )
        except httpx.HTTPError as error:
            raise HTTPException(502, f"{service} unreachable: {error!r}") from None
        return Response(
            upstream.content,
            status_code=upstream.status_code,
            media_type=upstream.headers.get("content-type", "application/json"),
        )
