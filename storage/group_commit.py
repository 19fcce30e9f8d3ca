"""Group commit: the write transactions waiting at once run as one, with one COMMIT.

Each job is a plain function of a (synchronous) connection. The jobs waiting when a batch
starts run together: BEGIN, the jobs, one COMMIT, and only then is any caller answered. So a
caller never hears "done" before its rows are durable, and a failed COMMIT fails every job of
the batch.

On a SQLite file (`GroupCommit`) the whole transaction runs in one thread: one hand-off
between the event loop and the thread per batch instead of one per statement, and one fsync.
A job that raises is rolled back alone (SAVEPOINT) and gets its exception.

On PostgreSQL (`PostgresGroupCommit`) a few batches run at once, each on a connection of the
async engine that its batcher holds. What batching saves there is the event loop's work per
transaction (checkout, BEGIN, COMMIT: measured at about 350 us of CPU, against about 100 us
a statement), which is what bounded a process at about 1,450 msg/s. A job may name a `lane`
(the member a case is about): a lane's jobs always go to the same batcher, so two batches of
one process never wait for each other's locks on one member's strikes (such waits, crossed,
would deadlock). A job that raises fails its batch (so does a deadlock with another process,
which the server breaks by failing one side); every job of the batch then runs again alone,
in a transaction of its own, as without batching.

Both kinds take `merge` jobs: writes of rows that do not depend on each other (the executor's
results), which a batch runs as one statement for all of them (see `_run_merged`).
"""

from __future__ import annotations

import asyncio
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool

from storage.file_lock import FileLock

MAX_BATCH = 64
BATCHERS = 4
"""PostgreSQL batches running at once, each on a connection from the pool. Measured at 2,000
msg/s (before case numbers moved into COMMIT): one reached 1,845 msg/s, four 1,999 (p99
38 ms), eight 1,999 (p99 51 ms)."""


@dataclass
class _Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    future: asyncio.Future[Any]
    merge: bool = False


def _run_merged(conn: Connection, jobs: list[_Job]) -> list[Any]:
    """Run a batch's jobs, returning their values in order. The `merge` jobs of one function
    `fn(conn, rows)` are ONE call with their rows joined, in the first one's place, and each
    gets that call's value: the jobs of a batch were all waiting at once, so any order of
    them is one they could have run in, and a statement run for many rows costs the event
    loop one round trip, as for one row. If the call raises, the batch is run again job by
    job (each caller then gets its own outcome)."""
    rows: dict[Callable[..., Any], list[Any]] = {}
    merged: dict[Callable[..., Any], list[_Job]] = {}
    calls: list[_Job] = []
    for job in jobs:
        if job.merge and job.fn in rows:
            rows[job.fn].extend(job.args[0])
            merged[job.fn].append(job)
            continue
        if job.merge:
            rows[job.fn], merged[job.fn] = list(job.args[0]), [job]
        calls.append(job)
    values: dict[int, Any] = {}
    for job in calls:
        if job.merge:
            value = job.fn(conn, rows[job.fn])
            values.update((id(each), value) for each in merged[job.fn])
        else:
            values[id(job)] = job.fn(conn, *job.args)
    return [values[id(job)] for job in jobs]


class GroupCommit:
    def __init__(
        self,
        url: str,
        on_connect: Callable[..., None],
        lock: asyncio.Lock,
        turns: FileLock | None = None,
    ) -> None:
        self.engine: Engine = create_engine(url.replace("+aiosqlite", ""), poolclass=NullPool)
        event.listen(self.engine, "connect", on_connect)
        self._lock = lock
        self._turns = turns
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="modbot-writer")
        self._queue: asyncio.Queue[_Job] = asyncio.Queue()
        self._server: asyncio.Task[None] | None = None
        self._conn: Connection | None = None

    async def run(
        self, fn: Callable[..., Any], *args: Any, lane: str | None = None, merge: bool = False
    ) -> Any:
        """Run `fn(connection, *args)` in a write transaction; return what it returned once
        the transaction is committed (raise what it raised, or what COMMIT raised). `merge`:
        see `_run_merged`. `lane` is PostgresGroupCommit's: one writer thread has nothing
        to split."""
        if self._server is None or self._server.done():
            self._server = asyncio.create_task(self._serve(), name="modbot-group-commit")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Job(fn, args, future, merge))
        return await future

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self._queue.get()]
            while len(jobs) < MAX_BATCH and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            async with self._lock:  # the async writers of this process wait meanwhile
                outcomes = await loop.run_in_executor(self._thread, self._batch, jobs)
            for job, (ok, value) in zip(jobs, outcomes, strict=True):
                if job.future.done():
                    continue
                if ok:
                    job.future.set_result(value)
                else:
                    job.future.set_exception(value)

    def _batch(self, jobs: list[_Job]) -> list[tuple[bool, Any]]:
        """All jobs in one transaction; if one raises, the transaction is rolled back and
        the batch run again with a SAVEPOINT around each job (a rare path: a redelivered
        message's case, a constraint), so only that job fails."""
        if self._turns is not None:
            self._turns.acquire()  # other processes on the file wait for this batch
        try:
            return self._run(jobs)
        finally:
            if self._turns is not None:
                self._turns.release()

    def _run(self, jobs: list[_Job]) -> list[tuple[bool, Any]]:
        try:
            if self._conn is None:
                self._conn = self.engine.connect()
            conn = self._conn
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                outcomes = [(True, value) for value in _run_merged(conn, jobs)]
            except Exception:  # noqa: BLE001 - sorted out job by job below
                conn.rollback()
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                outcomes = [self._alone(conn, job) for job in jobs]
            conn.commit()
            return outcomes
        except Exception as exc:  # noqa: BLE001 - BEGIN or COMMIT failed: nothing is durable
            self._drop()
            return [(False, exc)] * len(jobs)

    @staticmethod
    def _alone(conn: Connection, job: _Job) -> tuple[bool, Any]:
        conn.exec_driver_sql("SAVEPOINT job")
        try:
            outcome: tuple[bool, Any] = (True, job.fn(conn, *job.args))
        except Exception as exc:  # noqa: BLE001 - handed to the job's caller
            conn.exec_driver_sql("ROLLBACK TO job")
            outcome = (False, exc)
        conn.exec_driver_sql("RELEASE job")
        return outcome

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.rollback()
                self._conn.close()
            except Exception:  # noqa: BLE001, S110 - the connection is being thrown away
                pass
            self._conn = None

    async def close(self) -> None:
        if self._server is not None:
            self._server.cancel()
            await asyncio.gather(self._server, return_exceptions=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._thread, self._drop)
        self._thread.shutdown(wait=True)
        self.engine.dispose()


class _JobFailed(Exception):
    """A job of a PostgreSQL batch raised: the batch is rolled back and run job by job."""


class _Batcher:
    """One PostgreSQL connection's share of the jobs, run a batch at a time."""

    def __init__(self) -> None:
        self.jobs: deque[_Job] = deque()
        self.waiting = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.conn: AsyncConnection | None = None
        """Held from batch to batch (a checkout from the pool cost the loop about 120 us a
        transaction); dropped when BEGIN or COMMIT fails, a new one taken for the next."""

    async def drop(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                await conn.close()
            except Exception:  # noqa: BLE001, S110 - the connection is being thrown away
                pass


class PostgresGroupCommit:
    def __init__(self, engine: AsyncEngine, batchers: int = BATCHERS) -> None:
        self._engine = engine
        self._batchers = [_Batcher() for _ in range(batchers)]
        self._alone: set[asyncio.Task[None]] = set()
        self._turn = 0

    async def run(
        self, fn: Callable[..., Any], *args: Any, lane: str | None = None, merge: bool = False
    ) -> Any:
        """Run `fn(connection, *args)` in a write transaction; return what it returned once
        the transaction is committed (raise what it raised, or what COMMIT raised). Jobs of
        one `lane` are batched by the same batcher. `merge`: see `_run_merged`."""
        if merge:  # all to one batcher, where they meet (see `_run_merged`)
            lane = f"{fn.__module__}.{fn.__qualname__}"
        if lane is None:
            self._turn += 1
            batcher = self._batchers[self._turn % len(self._batchers)]
        else:
            batcher = self._batchers[zlib.crc32(lane.encode()) % len(self._batchers)]
        if batcher.task is None or batcher.task.done():
            batcher.task = asyncio.create_task(self._serve(batcher), name="modbot-group-commit")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        batcher.jobs.append(_Job(fn, args, future, merge))
        batcher.waiting.set()
        return await future

    async def _serve(self, batcher: _Batcher) -> None:
        while True:
            await batcher.waiting.wait()
            jobs = [batcher.jobs.popleft() for _ in range(min(MAX_BATCH, len(batcher.jobs)))]
            if not batcher.jobs:
                batcher.waiting.clear()
            if not jobs:
                continue
            try:
                if batcher.conn is None:
                    batcher.conn = await self._engine.connect()
                async with batcher.conn.begin():
                    values = await batcher.conn.run_sync(_each, jobs)
            except _JobFailed:
                if batcher.conn is not None and batcher.conn.invalidated:  # lost mid-batch
                    await batcher.drop()
                for job in jobs:  # concurrently, as without the batch
                    task = asyncio.create_task(self._run_alone(job), name="modbot-alone")
                    self._alone.add(task)
                    task.add_done_callback(self._alone.discard)
                continue
            except Exception as exc:  # noqa: BLE001 - BEGIN or COMMIT failed: nothing is durable
                await batcher.drop()
                for job in jobs:
                    _settle(job, exc=exc)
                continue
            for job, value in zip(jobs, values, strict=True):
                _settle(job, value)

    async def _run_alone(self, job: _Job) -> None:
        try:
            async with self._engine.begin() as conn:
                value = await conn.run_sync(job.fn, *job.args)
        except Exception as exc:  # noqa: BLE001 - handed to the job's caller
            _settle(job, exc=exc)
            return
        _settle(job, value)

    async def close(self) -> None:
        tasks = [*(b.task for b in self._batchers if b.task is not None), *self._alone]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for batcher in self._batchers:
            await batcher.drop()


def _each(conn: Connection, jobs: list[_Job]) -> list[Any]:
    try:
        return _run_merged(conn, jobs)
    except Exception as exc:
        raise _JobFailed from exc


def _settle(job: _Job, value: Any = None, exc: BaseException | None = None) -> None:
    if job.future.done():  # its caller was cancelled
        return
    if exc is None:
        job.future.set_result(value)
    else:
        job.future.set_exception(exc)
