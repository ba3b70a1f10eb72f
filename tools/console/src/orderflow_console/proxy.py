"""The services' APIs under one origin: /api/<service>/<path> is forwarded to that service
server-side, so the page needs no CORS. Every call carries the operator's API key the page
sends (the service checks its role and audits its operator), and X-Actor for a service whose
API is open (the console's own name when the page sends none)."""

from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from fastapi import HTTPException, Request, Response

FORWARDED_HEADERS = ("authorization", "x-api-key", "x-actor", "content-type", "x-request-id")
CREDENTIALS = ("authorization", "x-api-key")


@dataclass(frozen=True)
class Upstreams:
    urls: dict[str, str]
    actor: str
    client: httpx.AsyncClient
    credentials: dict[str, str] = field(default_factory=dict)  # sent with get_json

    def on_behalf_of(self, request: Request) -> "Upstreams":
        """The same, asking with the API key `request` carries (the console's own reads)."""
        credentials = {
            name: value for name, value in request.headers.items() if name.lower() in CREDENTIALS
        }
        return replace(self, credentials=credentials)

    def url(self, service: str, path: str) -> str:
        base = self.urls.get(service)
        if base is None:
            raise HTTPException(404, f"the console does not know the service {service!r}")
        return f"{base}/{path.lstrip('/')}"

    async def get_json(self, service: str, path: str, **params: Any) -> tuple[int, Any]:
        """The service's status and JSON body; (0, error text) when it cannot be reached."""
        if service not in self.urls:
            return 0, f"the console was not told where {service} is"
        try:
            # Empty params would drop the path's own query (httpx replaces it): None keeps it.
            response = await self.client.get(
                self.url(service, path), params=params or None, headers=self.credentials
            )
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
