"""Keep the garbage collector's full collections short while the bot runs.

A full collection walks every container object the process holds, and the bot holds more the
longer it runs (members' recent messages, windows, caches). Measured in bench/soak.py at
2,000 msg/s: full collections over 100,000-260,000 objects took 33-84 ms each, and each
stalled the event loop (and every decision waiting on it) that long.

So the objects alive at start (`settle_heap`) and then, every ten seconds, the objects that
have lived that long (`keep_heap`) are frozen: the collector no longer walks them, and they are
still freed as usual when nothing refers to them any more. Only garbage that is a reference
cycle escapes a frozen object's collection; once an hour everything is unfrozen and collected
once (one longer pause an hour instead of one every few seconds).
"""

from __future__ import annotations

import asyncio
import gc
import time

FREEZE_EVERY = 10.0
COLLECT_EVERY = 3600.0


def settle_heap() -> None:
    """Collect once and move every object alive now (the model's arrays, the libraries) out
    of the collector's reach. Measured: with numpy and the encoder loaded, full collections
    over those objects stalled the event loop for 60-114 ms; after the freeze, under 13 ms."""
    gc.collect()
    gc.freeze()


async def keep_heap(
    stop: asyncio.Event, every: float = FREEZE_EVERY, collect_every: float = COLLECT_EVERY
) -> None:
    """Until `stop`: freeze what has lived `every` seconds; every `collect_every` seconds,
    unfreeze, collect everything once and freeze again."""
    collected = time.monotonic()
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
        except TimeoutError:
            pass
        if time.monotonic() - collected >= collect_every:
            gc.unfreeze()
            settle_heap()
            collected = time.monotonic()
        else:
            gc.freeze()
