"""A minimal HTTP health endpoint (GET /healthz) for orchestrators; no web framework needed."""

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any


async def serve_health(
    port: int, report: Callable[[], Awaitable[dict[str, Any]]]
) -> asyncio.Server:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await reader.readline()
            while (await reader.readline()).strip():
                pass
            if request_line.split(b" ")[1:2] == [b"/healthz"]:
                body = json.dumps(await report()).encode()
                status = "200 OK"
            else:
                body, status = b'{"error": "not found"}', "404 Not Found"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        finally:
            writer.close()

    return await asyncio.start_server(answer, "0.0.0.0", port)
