"""Apply recorded actions in order, mark each result, and reconcile what is still pending."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta

from adapters.base import Adapter, PermissionDenied, TargetGone, TransientError
from bot.actions import Action, ActionKind
from bot.backlog import is_outage
from storage.action_queue import ActionQueue
from storage.audit import APPLIED, FAILED, MOOT, PENDING
from storage.stored import StoredAction

log = logging.getLogger(__name__)
Denied = Callable[[Action, str], Awaitable[None]]
MAX_BACKOFF = timedelta(minutes=10)
NOTICES = frozenset({ActionKind.WARN})
"""Kinds that send a message rather than set a state: sending one twice is a second message."""
NOT_TWICE = "not sent again: it may have gone out before the bot restarted"
Result = tuple[int, str, str | None, timedelta | None]
"""(action id, status, error, retry in): what applying an action came to."""


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` transient failures: 2s, 4s, 8s ... 10 min."""
    return min(timedelta(seconds=2 ** min(attempts + 1, 20)), MAX_BACKOFF)


class Executor:
    """Record, then act. Actions are applied in their recorded order (delete, tell the member,
    then the sanction); each ends applied, moot (target gone), failed, or stays pending with
    a later retry when the platform had a transient problem. A refusal (permission denied)
    is passed to `on_denied`, which tells the moderators.

    Every kind states a target state and is applied again after a crash, except a notice
    to the member: it is noted as started before it is handed over, and a notice found
    started after a restart is not sent again (at most once: a second message would be a
    second message).

    Several processes may share the queue: a process applies only the actions it claimed
    (those it just recorded, and those `reconcile` claims), so none is applied twice."""

    def __init__(
        self,
        queue: ActionQueue,
        adapters: Mapping[str, Adapter],
        clock: Callable[[], datetime],
        on_denied: Denied | None = None,
    ) -> None:
        self._queue = queue
        self._adapters = adapters
        self._clock = clock
        self._in_flight: set[int] = set()
        self._unmarked: dict[int, tuple[str, str | None, timedelta | None]] = {}
        """Applied, but the database was down when the result was to be written."""
        self._stalled: dict[int, StoredAction] = {}
        """Claimed by this process, not applied: the database went down just before."""
        self.on_denied = on_denied

    async def execute(self, actions: Sequence[StoredAction]) -> None:
        """Apply the pending ones among `actions` that this process claimed when it recorded
        them, one after the other (the others come due later and `reconcile` takes them)."""
        mine = self._queue.worker
        await self._apply_all([s for s in actions if s.status == PENDING and s.claimed_by == mine])

    async def release_own(self) -> int:
        """At start: what this process claimed before it was killed is due again now."""
        return await self._queue.release_own(self._clock())

    async def _apply_all(self, actions: Sequence[StoredAction]) -> None:
        """Apply in order; write the results in as few transactions as record-then-act
        allows: all at the end, except that a notice is noted as started (together with the
        results so far) before it is handed over."""
        todo = [
            s
            for s in actions
            if s.id not in self._in_flight and s.action.platform in self._adapters
        ]
        self._in_flight.update(s.id for s in todo)
        done: list[Result] = []
        try:
            for n, stored in enumerate(todo):
                if stored.action.kind in NOTICES:
                    if stored.started:  # the process died after handing it over: maybe out
                        done.append((stored.id, MOOT, NOT_TWICE, None))
                        continue
                    if not await self._settle(done, start=stored.id):
                        for rest in todo[n:]:  # still ours: applied when it is back
                            self._stalled[rest.id] = rest
                        return
                    done = []
                adapter = self._adapters[stored.action.platform]
                done.append((stored.id, *await self._call(adapter, stored)))
            await self._settle(done)
        finally:
            self._in_flight.difference_update(s.id for s in todo)

    async def _settle(self, done: list[Result], start: int | None = None) -> bool:
        """Write results (and a notice's start) in one transaction. False when the database
        is down: the results wait in memory, written when it is back."""
        try:
            await self._queue.settle(done, self._clock(), start)
            return True
        except Exception as exc:
            if not is_outage(exc):
                raise
            for action_id, status, error, retry in done:
                self._unmarked[action_id] = (status, error, retry)
            return False

    async def _catch_up(self) -> None:
        """After an outage: write the results kept in memory, apply what stalled."""
        if self._unmarked:
            results = [(k, *v) for k, v in self._unmarked.items()]
            await self._queue.settle(results, self._clock())
            self._unmarked.clear()
        if self._stalled:
            stalled = sorted(self._stalled.values(), key=lambda s: (s.case_id, s.id))
            self._stalled.clear()
            await self._apply_all(stalled)

    async def _call(
        self, adapter: Adapter, stored: StoredAction
    ) -> tuple[str, str | None, timedelta | None]:
        action = stored.action
        try:
            await adapter.apply(action)
        except TargetGone as exc:
            return MOOT, str(exc) or "target gone", None
        except PermissionDenied as exc:
            log.warning("cannot %s on %s: %s", action.kind, action.platform, exc)
            await self._tell_denied(action, str(exc))
            return FAILED, f"permission denied: {exc}", None
        except TransientError as exc:
            return PENDING, f"transient: {exc}", backoff(stored.attempts)
        except Exception as exc:  # noqa: BLE001 - an adapter bug must not lose the record
            log.exception("adapter %s failed on %s", action.platform, action.key)
            return FAILED, f"{type(exc).__name__}: {exc}", None
        return APPLIED, None, None

    async def _tell_denied(self, action: Action, reason: str) -> None:
        if self.on_denied is None:
            return
        try:
            await self.on_denied(action, reason)
        except Exception:  # noqa: BLE001 - an alert that fails must not stop the executor
            log.exception("could not tell the moderators about a refused action")

    async def reconcile(self) -> int:
        """Claim and apply every pending action that is due on this process's platforms, in
        order. Returns how many were tried."""
        tried = 0
        await self._catch_up()
        while True:
            claimed = await self._queue.claim(self._clock(), self._adapters)
            due = [s for s in claimed if s.id not in self._in_flight | self._unmarked.keys()]
            if not due:
                return tried
            for case_id in dict.fromkeys(s.case_id for s in due):
                await self._apply_all([s for s in due if s.case_id == case_id])
            tried += len(due)

    async def retry_forever(self, stop: asyncio.Event, every: float = 2.0) -> None:
        """Reconcile periodically until `stop` is set (transient failures come due later)."""
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
            except TimeoutError:
                try:
                    await self.reconcile()
                except Exception as exc:
                    if not is_outage(exc):
                        raise
                    log.warning("reconcile waits for the database (%s)", type(exc).__name__)
