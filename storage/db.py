"""The async engine: SQLite pragmas for a durable audit log, PostgreSQL for several processes,
write transactions, cross-process locks and migrations."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from storage.file_lock import FileLock
from storage.group_commit import GroupCommit
from storage.group_commit_pg import PostgresGroupCommit

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 5_000
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)
"""What every SQLite connection runs first. tests/test_powerloss.py runs the same list."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Take over BEGIN from the driver, so write transactions can BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writes take the write lock up front. Reads run in autocommit, each statement seeing
    # the newest commit: one round trip to the driver's thread fewer, and no read
    # transaction holding back checkpoints.
    if conn.get_execution_options().get("modbot_write", False):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def lock_id(name: str) -> int:
    """A stable 32-bit key for a PostgreSQL advisory lock named `name`."""
    return zlib.crc32(name.encode("utf-8"))


class Database:
    """One engine for the process.

    SQLite files run in WAL mode with synchronous=FULL, so a committed row survives a power
    cut, and every write transaction takes the write lock up front (BEGIN IMMEDIATE) instead
    of failing on a lock upgrade. SQLite writers of this process queue on an asyncio lock
    first: a burst of hundreds of concurrent cases waits its turn in order, instead of
    polling SQLite's busy handler until `busy_timeout` runs out. The busy timeout still covers
    other processes sharing the file.

    PostgreSQL (asyncpg) is the path for several processes: writers run concurrently at READ
    COMMITTED (synchronous_commit stays on), and what must be serialised across processes
    takes a row lock or an advisory lock (`serialize`).
    """

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        self.is_postgres = parsed.get_backend_name() == "postgresql"
        if self.is_sqlite and parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        options: dict[str, Any] = {}
        if self.is_postgres:
            options = {"pool_size": pool_size, "max_overflow": pool_size * 2, "pool_timeout": 60}
        self.engine: AsyncEngine = create_async_engine(url, **options)
        self._writers = asyncio.Lock() if self.is_sqlite else None
        self._turns: FileLock | None = None
        self._group: GroupCommit | PostgresGroupCommit | None = None
        self._reader: ThreadPoolExecutor | None = None
        self._read_conn: Connection | None = None
        if self.is_postgres:
            self._group = PostgresGroupCommit(self.engine)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)
            if parsed.database and parsed.database != ":memory:":
                assert self._writers is not None
                self._turns = FileLock(Path(f"{parsed.database}-writer.lock"))
                self._group = GroupCommit(url, _sqlite_pragmas, self._writers, self._turns)
                self._reader = ThreadPoolExecutor(1, thread_name_prefix="modbot-reader")
                self._read_engine = create_engine(url.replace("+aiosqlite", ""), poolclass=NullPool)
                event.listen(self._read_engine, "connect", _sqlite_pragmas)

    async def transact(
        self, fn: Callable[..., Any], *args: Any, lane: str | None = None, merge: bool = False
    ) -> Any:
        """Run `fn(connection, *args)`, plain synchronous statements, as one write
        transaction; return its result once committed. The hot write paths use it, with
        group commit (see group_commit): on a SQLite file whole in the writer's thread, on
        PostgreSQL several batches at once on the async engine, the jobs of one `lane` (a
        member) always in the same one. `merge` (for `fn(connection, rows)`, each row
        written on its own): the merge jobs of `fn` batched together are one call, their
        rows joined."""
        if self._group is not None:
            return await self._group.run(fn, *args, lane=lane, merge=merge)
        async with self.write() as conn:
            return await conn.run_sync(fn, *args)

    async def query(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(connection, *args)`, plain synchronous reads, and return its result: on a
        SQLite file whole in a reader thread (one hand-off, not one per statement), on
        PostgreSQL each statement in autocommit (at READ COMMITTED a transaction would give
        its statements no common snapshot anyway; autocommit saves BEGIN and COMMIT)."""
        if self.is_postgres:
            async with self.engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                async with conn.begin():  # sends nothing in autocommit; ends without ROLLBACK
                    return await conn.run_sync(fn, *args)
        if self._reader is None:
            async with self.read() as conn:
                return await conn.run_sync(fn, *args)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reader, self._read, fn, args)

    def _read(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        if self._read_conn is None:
            self._read_conn = self._read_engine.connect()
        try:
            return fn(self._read_conn, *args)
        finally:
            self._read_conn.rollback()

    def _close_reader(self) -> None:
        if self._read_conn is not None:
            self._read_conn.close()
            self._read_conn = None

    def sync_engines(self) -> list[Engine]:
        """Every engine that writes (for tests that watch or fail statements)."""
        engines = [self.engine.sync_engine]
        if isinstance(self._group, GroupCommit):
            engines.append(self._group.engine)
        return engines

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        async with self._turn(), self.engine.connect() as conn:
            conn = await conn.execution_options(modbot_write=True)
            async with conn.begin():
                yield conn

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        if self._writers is None:
            yield
            return
        async with self._writers:
            if self._turns is None:
                yield
                return
            await asyncio.to_thread(self._turns.acquire)
            try:
                yield
            finally:
                self._turns.release()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            async with conn.begin():
                yield conn

    async def serialize(self, conn: AsyncConnection, name: str) -> None:
        """Inside a write transaction: wait until no other process's transaction holds `name`,
        and hold it until this one ends. SQLite needs nothing: its writers already run one at
        a time."""
        if self.is_postgres:
            await conn.execute(select(func.pg_advisory_xact_lock(lock_id(name))))

    async def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision (run on every start; processes
        starting together on PostgreSQL migrate one after the other)."""
        async with self.write() as conn:
            await self.serialize(conn, "modbot:migrate")
            await conn.run_sync(_upgrade)

    async def close(self) -> None:
        if self._group is not None:
            await self._group.close()
        if self._reader is not None:
            await asyncio.get_running_loop().run_in_executor(self._reader, self._close_reader)
            self._reader.shutdown(wait=True)
            self._read_engine.dispose()
        await self.engine.dispose()
        if self._turns is not None:
            self._turns.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def _upgrade(connection: Connection) -> None:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
