"""The heap keeper: long-lived objects leave the collector's reach, and cyclic garbage among
them is still collected at the periodic full collection."""

from __future__ import annotations

import asyncio
import gc
import weakref

from bot.heap import keep_heap


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


async def test_what_lived_is_frozen_and_a_frozen_cycle_is_collected_at_the_full_pass() -> None:
    gc.unfreeze()
    first, second = Node(), Node()
    first.other, second.other = second, first  # a cycle: only the collector frees it
    gone = asyncio.Event()
    probe = weakref.ref(first, lambda _: gone.set())
    stop = asyncio.Event()
    keeper = asyncio.create_task(keep_heap(stop, every=0.05, collect_every=0.5))
    try:
        await asyncio.sleep(0.12)
        assert gc.get_freeze_count() > 0  # the cycle (and all else alive) is frozen now
        del first, second
        gc.collect()
        assert probe() is not None  # frozen: an ordinary collection leaves it alone
        await asyncio.wait_for(gone.wait(), timeout=5)  # the full pass frees it
    finally:
        stop.set()
        await keeper
        gc.unfreeze()
