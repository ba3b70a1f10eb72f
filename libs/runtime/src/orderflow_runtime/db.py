"""The service's own PostgreSQL: a pool, and numbered SQL migrations applied at start."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable

import asyncpg
import structlog

from orderflow_runtime.errors import INFRASTRUCTURE_ERRORS

log = structlog.get_logger()

_MIGRATION_LOCK = 0x6F72_6466  # one migrator at a time when several instances start together


async def create_pool(dsn: str, size: int) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(dsn, min_size=1, max_size=size, reset=_keep_session)
    assert pool is not None
    return pool


@contextlib.asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pooled connection in a transaction. A connection that failed with an infrastructure
    error is closed, not handed back: the pool's reset does nothing (below), so a connection
    the server cut mid-operation would go on failing every caller it is given to (seen when
    every connection was terminated under load: a relay stopped publishing for good)."""
    async with pool.acquire() as conn:
        try:
            async with conn.transaction():
                yield conn
        except INFRASTRUCTURE_ERRORS:
            close_broken(conn)
            raise


class OpeningRefused(Exception):
    """The statement that travelled with BEGIN failed: nothing was done."""

    def __init__(self, error: asyncpg.PostgresError) -> None:
        super().__init__(repr(error))
        self.error = error


@dataclass
class Closing:
    """SQL text the block leaves to travel with COMMIT."""

    statement: str = ""


@contextlib.asynccontextmanager
async def transaction_in_two_trips(
    pool: asyncpg.Pool, opening: str
) -> AsyncIterator[tuple[asyncpg.Connection, Closing]]:
    """`transaction` with BEGIN sent together with `opening` and COMMIT with what the block sets
    in `closing.statement`: SQL text sent by the simple query protocol (no parameters, no rows
    returned), so each pair is one round trip instead of two. Raises OpeningRefused when
    `opening` fails (the transaction is rolled back; the block never ran)."""
    async with pool.acquire() as conn:
        try:
            await _open(conn, opening)
            closing = Closing()
            yield conn, closing
            await conn.execute(f"{closing.statement}; COMMIT" if closing.statement else "COMMIT")
        except INFRASTRUCTURE_ERRORS:
            close_broken(conn)
            raise
        except BaseException:
            with contextlib.suppress(Exception):  # the pool's release rolls back what is left
                await conn.execute("ROLLBACK")
            raise


async def _open(conn: asyncpg.Connection, opening: str) -> None:
    try:
        await conn.execute(f"BEGIN; {opening}")
    except asyncpg.PostgresError as error:
        raise OpeningRefused(error) from error


def close_broken(conn: asyncpg.Connection) -> None:
    """Close a connection that may be unusable; the pool may have let go of it already."""
    with contextlib.suppress(asyncpg.InterfaceError):
        conn.terminate()


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Pooled connections carry no session state (no SET, LISTEN or session advisory lock
    outlives its `acquire`), so the default reset query, a round trip on every release, is
    skipped. asyncpg still rolls back a transaction left open before calling this."""


def _migration_files(package: str) -> list[Traversable]:
    folder = files(package).joinpath("migrations")
    return sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )


async def apply_migrations(pool: asyncpg.Pool, *packages: str) -> list[str]:
    """Apply, in order, every `migrations/NNN_*.sql` of each package not yet applied."""
    applied: list[str] = []
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {row["name"] for row in await conn.fetch("SELECT name FROM schema_migrations")}
            for package in packages:
                for migration in _migration_files(package):
                    name = f"{package}/{migration.name}"
                    if name in done:
                        continue
                    async with conn.transaction():
                        await conn.execute(migration.read_text())
                        await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
                    applied.append(name)
                    done.add(name)
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    if applied:
        log.info("migrations.applied", migrations=applied)
    return applied
