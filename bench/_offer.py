"""bench/soak.py's load generator: messages offered open-loop at one rate, and what a step
measured (achieved rate, latency from each message's due time, loop lag, memory)."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, replace

from bot.core import Core
from bot.events import Message, utcnow


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def fresh(msg: Message, message_id: str, pass_: str) -> Message:
    """The message again as a new one; each pass over the batch (at each rate) has its own
    people, so no one repeats themselves (duplicates) faster than the mix intends."""
    user = f"{msg.author.user_id}.{pass_}"
    author = replace(msg.author, user_id=user, name=user)
    return replace(msg, message_id=message_id, sent_at=utcnow(), author=author)


@dataclass
class Step:
    rate: int
    achieved: float
    p50: float
    p99: float
    lag: float
    rss: float
    cases: int
    unscored: float
    latencies: list[float]
    elapsed: float


async def offer(core: Core, batch: list[Message], rate: int, seconds: float) -> Step:
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    lags = [0.0]
    stop = asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            before = loop.time()
            await asyncio.sleep(0.01)
            lags.append(loop.time() - before - 0.01)

    async def handle(msg: Message, due: float) -> None:
        await core.on_message(msg)
        latencies.append(loop.time() - due)

    total = int(rate * seconds)
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

    start = loop.time()
    sent = 0
    while sent < total:
        now = loop.time()
        while sent < total and start + sent / rate <= now:
            pass_ = f"{rate}.{sent // len(batch)}"
            msg = fresh(batch[sent % len(batch)], f"r{rate}-{sent}", pass_)
            task = asyncio.create_task(handle(msg, start + sent / rate))
            under_way.add(task)
            task.add_done_callback(done)
            sent += 1
        await asyncio.sleep(0.002)
    await asyncio.gather(*under_way)
    if failed:
        raise failed[0]
    finished = loop.time()  # past the window when the core could not keep up
    stop.set()
    await watcher
    elapsed = max(finished - start, seconds)
    return step_of(rate, latencies, elapsed, max(lags), rss_mb() - rss_before)


def step_of(rate: int, latencies: list[float], elapsed: float, lag: float, rss: float) -> Step:
    latencies.sort()
    return Step(
        rate=rate,
        achieved=len(latencies) / elapsed,
        p50=latencies[len(latencies) // 2] * 1000,
        p99=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        lag=lag * 1000,
        rss=rss,
        cases=0,
        unscored=0.0,
        latencies=latencies,
        elapsed=elapsed,
    )
