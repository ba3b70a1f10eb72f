"""The channel's version of each order that intake applied last."""

from datetime import datetime

import asyncpg


async def set_channel_version(conn: asyncpg.Connection, order_id: str, version: datetime) -> None:
    await conn.execute(
        "UPDATE orders SET channel_version = $2 WHERE order_id = $1", order_id, version
    )
