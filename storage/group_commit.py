"""Group commit for SQLite: whole write transactions run in one thread, several per COMMIT.

Each job is a plain function of a (synchronous) connection. The jobs waiting when the thread
is free run together: BEGIN IMMEDIATE, the jobs, one COMMIT (one fsync), and only then is any
caller answered (a job that raises is rolled back alone and gets its exception). So a
caller still never hears "done" before its rows are durable, and a failed COMMIT fails every
job of the batch. The thread does the whole transaction at once:
one hand-off between the event loop and the thread per batch, instead of one per statement.
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
class _Job:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    future: asyncio.Future[Any]


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
        self.batches = 0

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run `fn(connection, *args)` in a write transaction; return what it returned once
        the transaction is committed (raise what it raised, or what COMMIT raised)."""
        if self._server is None or self._server.done():
            self._server = asyncio.create_task(self._serve(), name="modbot-group-commit")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait(_Job(fn, args, future))
        return await future

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            jobs = [await self._queue.get()]
            while len(jobs) < MAX_BATCH and not self._queue.empty():
                jobs.append(self._queue.get_nowait())
            async with self._lock:  # the async writers of this process wait meanwhile
                outcomes = await loop.run_in_executor(self._thread, self._batch, jobs)
            self.batches += 1
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
                outcomes = [(True, job.fn(conn, *job.args)) for job in jobs]
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
