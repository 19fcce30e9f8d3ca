"""Group commit on PostgreSQL: a few batches at once, each on a connection it holds.

What a batch promises: see `storage.group_commit`. What batching saves here is the event
loop's work per transaction (checkout, BEGIN, COMMIT: measured at about 350 us of CPU,
against about 100 us a statement), which is what bounded a process at about 1,450 msg/s. A
job may name a `lane` (the member a case is about): a lane's jobs always go to the same
batcher, so two batches of one process never wait for each other's locks on one member's
strikes (such waits, crossed, would deadlock). A job that raises fails its batch (so does a
deadlock with another process, which the server breaks by failing one side); every job of
the batch then runs again alone, in a transaction of its own, as without batching.
"""

from __future__ import annotations

import asyncio
import zlib
from collections import deque
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.group_commit import MAX_BATCH, Job, run_merged

BATCHERS = 4
"""PostgreSQL batches running at once, each on a connection of its own. Measured at 2,000
msg/s (before case numbers moved into COMMIT): one reached 1,845 msg/s, four 1,999 (p99
38 ms), eight 1,999 (p99 51 ms). With a case one statement (issue 9, stop 15): eight gave
p99 20.8-24.2 ms against four's 20.2-20.4 ms."""


class _JobFailed(Exception):
    """A job of a PostgreSQL batch raised: the batch is rolled back and run job by job."""


class _Batcher:
    """One PostgreSQL connection's share of the jobs, run a batch at a time."""

    def __init__(self) -> None:
        self.jobs: deque[Job] = deque()
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
        one `lane` are batched by the same batcher. `merge`: see `run_merged`."""
        if merge:  # all to one batcher, where they meet (see `run_merged`)
            lane = f"{fn.__module__}.{fn.__qualname__}"
        if lane is None:
            self._turn += 1
            batcher = self._batchers[self._turn % len(self._batchers)]
        else:
            batcher = self._batchers[zlib.crc32(lane.encode()) % len(self._batchers)]
        if batcher.task is None or batcher.task.done():
            batcher.task = asyncio.create_task(self._serve(batcher), name="modbot-group-commit")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        batcher.jobs.append(Job(fn, args, future, merge))
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
                    job.settle(exc=exc)
                continue
            for job, value in zip(jobs, values, strict=True):
                job.settle(value)

    async def _run_alone(self, job: Job) -> None:
        try:
            async with self._engine.begin() as conn:
                value = await conn.run_sync(job.fn, *job.args)
        except Exception as exc:  # noqa: BLE001 - handed to the job's caller
            job.settle(exc=exc)
            return
        job.settle(value)

    async def close(self) -> None:
        tasks = [*(b.task for b in self._batchers if b.task is not None), *self._alone]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for batcher in self._batchers:
            await batcher.drop()


def _each(conn: Connection, jobs: list[Job]) -> list[Any]:
    try:
        return run_merged(conn, jobs)
    except Exception as exc:
        raise _JobFailed from exc
