"""bench/soak.py's load generator: messages offered open-loop at one rate, and what a step
measured (achieved rate, latencies from each message's due time, loop lag, memory).

Two latencies per message, from the moment it was due:
- decided: the core has judged it and, if it breaks a rule, its case is durably written (the
  executor is handed the recorded actions). Record, then act: from this moment the decision
  stands whatever happens to the process. For an allowed message, the end of `on_message`.
- acted: `on_message` returned: the fake platform calls made (delete, notice, sanction, the
  moderators' escalation notice) and their results written to the audit log. On a real
  platform each of those calls is an HTTP request of tens to hundreds of ms.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace

from bot.core import Core
from bot.events import Message, utcnow
from storage.stored import StoredAction

_STEPS = itertools.count()
_DECIDED: ContextVar[list[float] | None] = ContextVar("decided", default=None)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def fresh(msg: Message, message_id: str, pass_: str) -> Message:
    """The message again as a new one; each pass over the batch (in each step) has its own
    people, so no one repeats themselves (duplicates) faster than the mix intends, and hardly
    anyone goes on posting through a timeout or a ban (a platform would not let them; the
    fake platforms do). A population that comes back every 90 s was tried: its offenders
    climbed the strike ladder and, timed out or banned, kept posting."""
    user = f"{msg.author.user_id}.{pass_}"
    author = replace(msg.author, user_id=user, name=user)
    return replace(msg, message_id=message_id, sent_at=utcnow(), author=author)


@dataclass
class Step:
    rate: int
    achieved: float
    p50: float
    p99: float
    """Decided latency, ms."""
    acted_p99: float
    lag: float
    rss: float
    cases: int
    unscored: float
    latencies: list[float]
    acted: list[float]
    elapsed: float


async def offer(core: Core, batch: list[Message], rate: int, seconds: float) -> Step:
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    acted: list[float] = []
    lags = [0.0]
    stop = asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            before = loop.time()
            await asyncio.sleep(0.01)
            lags.append(loop.time() - before - 0.01)

    executor = core.services.executor
    execute = executor.execute

    async def stamped(actions: Sequence[StoredAction]) -> None:
        decided = _DECIDED.get()
        if decided is not None and not decided:  # the message's case is written
            decided.append(loop.time())
        await execute(actions)

    async def handle(msg: Message, due: float) -> None:
        decided: list[float] = []
        _DECIDED.set(decided)
        await core.on_message(msg)
        end = loop.time()
        latencies.append((decided[0] if decided else end) - due)
        acted.append(end - due)

    total = int(rate * seconds)
    step = next(_STEPS)  # every step's messages and people are new, even at a rate seen before
    rss_before = rss_mb()
    watcher = asyncio.create_task(watch())
    # Only the messages under way are held: gathering every task of the step at its end
    # stalled the loop being measured (tens of thousands of callbacks at once).
    under_way: set[asyncio.Task[None]] = set()
    failed: list[BaseException] = []

    def done(task: asyncio.Task[None]) -> None:
        under_way.discard(task)
        if not task.cancelled() and task.exception() is not None:
            failed.append(task.exception())  # type: ignore[arg-type]

    executor.execute = stamped  # type: ignore[method-assign]
    start = loop.time()
    sent = 0
    while sent < total:
        now = loop.time()
        while sent < total and start + sent / rate <= now:
            pass_ = f"{step}.{sent // len(batch)}"
            msg = fresh(batch[sent % len(batch)], f"s{step}-{sent}", pass_)
            task = asyncio.create_task(handle(msg, start + sent / rate))
            under_way.add(task)
            task.add_done_callback(done)
            sent += 1
        await asyncio.sleep(0.002)
    await asyncio.gather(*under_way)
    executor.execute = execute  # type: ignore[method-assign]
    if failed:
        raise failed[0]
    finished = loop.time()  # past the window when the core could not keep up
    stop.set()
    await watcher
    elapsed = max(finished - start, seconds)
    return step_of(rate, latencies, acted, elapsed, max(lags), rss_mb() - rss_before)


def step_of(
    rate: int, latencies: list[float], acted: list[float], elapsed: float, lag: float, rss: float
) -> Step:
    latencies.sort()
    acted.sort()
    return Step(
        rate=rate,
        achieved=len(latencies) / elapsed,
        p50=_ms(latencies, 0.5),
        p99=_ms(latencies, 0.99),
        acted_p99=_ms(acted, 0.99),
        lag=lag * 1000,
        rss=rss,
        cases=0,
        unscored=0.0,
        latencies=latencies,
        acted=acted,
        elapsed=elapsed,
    )


def _ms(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000
