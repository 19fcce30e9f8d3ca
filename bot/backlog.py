"""Decisions the database could not take while it was down, kept in order and written (then
acted on) when it is back: record, then act, even through an outage."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)
Job = Callable[[], Awaitable[object]]
LIMIT = 100_000


OUTAGE_CLASSES = ("08", "53", "57", "58")
"""PostgreSQL error classes of an unavailable server: connection exception, insufficient
resources (disk full), operator intervention (shutting down, starting up), system error."""


def is_outage(exc: BaseException) -> bool:
    """The database is unreachable or refusing work (connection lost, server down or
    starting, disk full or failing, pool exhausted), as opposed to a refusal of this write
    (a constraint, a bad value)."""
    if isinstance(exc, OperationalError | InterfaceError | PoolTimeout | OSError | TimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    state = str(getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None) or "")
    return exc.connection_invalidated or state.startswith(OUTAGE_CLASSES)


class Backlog:
    """Jobs that failed because the database was down, retried in arrival order until each
    succeeds. Bounded: past `limit` the oldest is dropped and counted (and logged), which only
    an outage of hours at full load reaches."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._jobs: deque[Job] = deque()
        self._limit = limit
        self._running = asyncio.Lock()
        self.dropped = 0
        self.written = 0

    def __len__(self) -> int:
        return len(self._jobs)

    def keep(self, job: Job) -> None:
        if len(self._jobs) >= self._limit:
            self._jobs.popleft()
            self.dropped += 1
            log.error("the outage backlog is full: %d decision(s) dropped", self.dropped)
        if not self._jobs:
            log.warning("the database is unavailable: decisions wait in memory until it is back")
        self._jobs.append(job)

    async def drain(self) -> int:
        """Run the kept jobs in order; stop at the first that meets the outage again. Returns
        how many were done."""
        done = 0
        async with self._running:
            while self._jobs:
                try:
                    await self._jobs[0]()
                except Exception as exc:
                    if is_outage(exc):
                        return done
                    log.exception("a decision kept through an outage failed when written")
                self._jobs.popleft()
                done += 1
        if done:
            self.written += done
            log.warning("the database is back: %d kept decision(s) written", done)
        return done

    async def run(self, stop: asyncio.Event, every: float = 1.0) -> None:
        """Try the backlog every `every` seconds until `stop` is set."""
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
            except TimeoutError:
                pass
            await self.drain()
