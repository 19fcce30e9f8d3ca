"""Group commit: the write transactions waiting at once run as one, with one COMMIT.

Each job is a plain function of a (synchronous) connection. The jobs waiting when a batch
starts run together: BEGIN, the jobs, one COMMIT, and only then is any caller answered. So a
caller never hears "done" before its rows are durable, and a failed COMMIT fails every job of
the batch.

On a SQLite file (`GroupCommit`) the whole transaction runs in one thread: one hand-off
between the event loop and the thread per batch instead of one per statement, and one fsync.
A job that raises is rolled back alone (SAVEPOINT) and gets its exception.

On PostgreSQL (`storage.group_commit_pg`) a few batches run at once.

Both kinds take `merge` jobs: writes of rows that do not depend on each other (the executor's
results), which a batch runs as one statement for all of them (see `run_merged`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import NullPool

from storage.file_lock import FileLock

MAX_BATCH = 64


@dataclass
class Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    future: asyncio.Future[Any]
    merge: bool = False

    def settle(self, value: Any = None, exc: BaseException | None = None) -> None:
        """Answer the caller (unless it was cancelled meanwhile)."""
        if self.future.done():
            return
        if exc is None:
            self.future.set_result(value)
        else:
            self.future.set_exception(exc)


def run_merged(conn: Connection, jobs: list[Job]) -> list[Any]:
    """Run a batch's jobs, returning their values in order. The `merge` jobs of one function
    `fn(conn, rows)` are ONE call with their rows joined, in the first one's place, and each
    gets that call's value: the jobs of a batch were all waiting at once, so any order of
    them is one they could have run in, and a statement run for many rows costs the event
    loop one round trip, as for one row. If the call raises, the batch is run again job by
    job (each caller then gets its own outcome)."""
    rows: dict[Callable[..., Any], list[Any]] = {}
    merged: dict[Callable[..., Any], list[Job]] = {}
    calls: list[Job] = []
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
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._server: asyncio.Task[None] | None = None
        self._conn: Connection | None = None

    async def run(
        self, fn: Callable[..., Any], *args: Any, lane: str | None = None, merge: bool = False
    ) -> Any:
        """Run `fn(connection, *args)` in a write transaction; return what it returned once
        the transaction is committed (raise what it raised, or what COMMIT raised). `merge`:
        see `run_merged`. `lane` is PostgresGroupCommit's: one writer thread has nothing
        to split."""
        if self._server is None or self._server.done():
            self._server = asyncio.create_task(self._serve(), name="modbot-group-commit")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(Job(fn, args, future, merge))
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
                if ok:
                    job.settle(value)
                else:
                    job.settle(exc=value)

    def _batch(self, jobs: list[Job]) -> list[tuple[bool, Any]]:
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

    def _run(self, jobs: list[Job]) -> list[tuple[bool, Any]]:
        try:
            if self._conn is None:
                self._conn = self.engine.connect()
            conn = self._conn
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                outcomes = [(True, value) for value in run_merged(conn, jobs)]
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
    def _alone(conn: Connection, job: Job) -> tuple[bool, Any]:
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
