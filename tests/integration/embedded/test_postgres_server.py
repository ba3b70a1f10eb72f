"""The embedded PostgreSQL on a folder the caller chose: it starts there even under a folder
only root may enter (pytest's tmp_path, when the server runs as its own user), and after
`pg_ctl stop -m immediate` it starts again on the same data with every committed row."""

import os
from pathlib import Path

import asyncpg
import pytest
from orderflow_embedded import EmbeddedPostgres

pytestmark = pytest.mark.integration


async def test_a_server_stopped_immediately_starts_again_on_its_data(tmp_path: Path) -> None:
    root_only = tmp_path / "private"
    root_only.mkdir(mode=0o700)
    server = EmbeddedPostgres(data_dir=root_only / "pg").start()
    try:
        conn = await asyncpg.connect(server.url())
        await conn.execute("CREATE TABLE kept (n int); INSERT INTO kept VALUES (1), (2)")
        await conn.close()

        server.stop_immediately()
        assert server.pid is not None
        with pytest.raises(ProcessLookupError):
            os.kill(server.pid, 0)
        server.start()

        conn = await asyncpg.connect(server.url())
        assert await conn.fetchval("SELECT sum(n) FROM kept") == 3
        await conn.close()
    finally:
        server.stop()
