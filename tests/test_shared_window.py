"""Flood and duplicate windows shared through Redis: a member who spreads a flood over two
processes is still caught; with Redis out of reach each process keeps its own window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from adapters.fake import FakeAdapter
from bot.config import parse_config
from bot.pipeline import Pipeline
from bot.shared_window import SharedWindow
from rules.base import Recent
from tests.servers import RedisServer, free_port

FLOOD = """
[model]
backend = "none"
[[guidelines]]
id = "calm"
title = { en = "Stay calm", id = "Tenang" }
text = { en = "No flooding.", id = "Jangan banjir." }
[[rules]]
name = "flood"
type = "flood"
guideline = "calm"
params = { count = 4, within = "10s" }
on_match = { delete = true, sanction = "timeout", duration = "10m" }
"""
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


async def flood_over_two(first: SharedWindow | None, second: SharedWindow | None) -> list[bool]:
    config = parse_config(FLOOD, "test.toml")
    one = Pipeline(config, clock=lambda: NOW, window=first)
    two = Pipeline(config, clock=lambda: NOW, window=second)
    caught = []
    for n in range(6):
        pipeline = one if n % 2 == 0 else two
        msg = FakeAdapter().message(f"spam {n}", author="bob", sent_at=NOW + timedelta(seconds=n))
        judged = await pipeline.judge(msg)
        assert judged is not None
        caught.append(any(h.rule == "flood" for h in judged.decision.hits))
    return caught


async def test_a_flood_spread_over_two_processes_is_caught_through_redis(
    redis_server: RedisServer,
) -> None:
    first = SharedWindow.connect(redis_server.url, prefix="flood-test:")
    second = SharedWindow.connect(redis_server.url, prefix="flood-test:")
    shared = await flood_over_two(first, second)
    await first.close()
    await second.close()
    alone = await flood_over_two(None, None)
    print(f"\n[redis] flood over two processes caught at messages {shared}; without: {alone}")
    assert shared == [False, False, False, True, True, True]
    assert not any(alone)  # each process alone saw only three of the six


async def test_with_redis_out_of_reach_each_process_keeps_its_own_window() -> None:
    down = SharedWindow.connect(f"redis://127.0.0.1:{free_port()}/0")
    entry = Recent(NOW, "general", "spam")
    assert await down.remember("c", "bob", entry, 3) == ()
    assert await down.remember("c", "bob", entry, 3) == (entry,)
    await down.close()
