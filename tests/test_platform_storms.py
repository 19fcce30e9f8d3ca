"""429 and 5xx storms on Discord and Telegram at once, both real clients against both fakes
in one App: every recorded action lands exactly once on its platform, none is lost, and no
call waits for long (retry-after values are sub-second, as in each platform's own fault
tests)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import text as sql

from adapters.discord import DiscordAdapter
from adapters.telegram import TelegramAdapter
from bot.app import App
from storage.db import Database
from tests.platforms.discord.bot_harness import TOKEN, FastModbot, LiveClock, guild_config
from tests.platforms.discord.conftest import fake_discord  # noqa: F401 - the fixture
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.faults import global_limited, route_limited, server_error
from tests.platforms.telegram_fake import FakeTelegram, Fault
from tests.platforms.telegram_harness import EKO, GROUP, MODS, populate
from tests.platforms.telegram_harness import TOKEN as TELEGRAM_TOKEN
from tests.platforms.telegram_world import World

MESSAGE, MESSAGES = "/channels/{}/messages/{}", "/channels/{}/messages"
MEMBER = "/guilds/{}/members/{}"
STORM = Fault(429, retry_after=0.05)
SLURS = 4


async def recorded(url: str) -> list[tuple[str, str, str, str]]:
    db = Database(url)
    try:
        async with db.read() as conn:
            rows = await conn.execute(
                sql("SELECT platform, kind, message_id, status FROM actions ORDER BY id")
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        await db.close()


async def test_storms_on_both_platforms_at_once_lose_nothing_and_double_nothing(
    tmp_path: Path,
    fake_discord: FakeDiscord,  # noqa: F811
) -> None:
    clock = LiveClock()
    world = World(clock)
    populate(world)
    fake_discord.world.token = TOKEN
    guild = str(fake_discord.world.guild.id)
    async with FakeTelegram(world, TELEGRAM_TOKEN) as telegram:
        community = {
            "id": "both",
            "platforms": {"discord": [guild], "telegram": [str(GROUP)]},
            "moderator_channels": {
                "discord": str(fake_discord.channel("mod-log").id),
                "telegram": str(MODS),
            },
        }
        settings = {"base_url": telegram.base_url, "poll_timeout": 1, "read_timeout": 2}
        config = guild_config(
            tmp_path, fake_discord, {"communities": [community], "telegram": settings}
        )
        on_telegram = TelegramAdapter(config, TELEGRAM_TOKEN, clock=clock)
        on_discord = DiscordAdapter(
            config, TOKEN, clock=clock, client_class=FastModbot,
            client_options={"guild_ready_timeout": 0.02},
        )  # fmt: skip
        app = App(config, [on_telegram, on_discord], clock=clock)
        running = asyncio.create_task(app.run())
        both = asyncio.gather(on_telegram.ready.wait(), on_discord.ready.wait())
        await asyncio.wait({both, running}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        assert both.done(), "both platforms connected"
        for method in ("deleteMessage", "sendMessage", "restrictChatMember"):
            telegram.fail(method, STORM, STORM, Fault(502, html=True), STORM)
        fake_discord.inject("DELETE", MESSAGE, route_limited(0.1), global_limited(0.1))
        fake_discord.inject("POST", MESSAGES, route_limited(0.1), server_error(503))
        fake_discord.inject("PATCH", MEMBER, route_limited(0.1), route_limited(0.1))
        started = time.monotonic()
        try:
            for n in range(SLURS):
                world.say(GROUP, EKO, f"dasar faggot {n}")
                await fake_discord.post("bob", f"you faggot {n}")
            async with asyncio.timeout(30):
                while True:
                    rows = await recorded(config.storage.resolved_url())
                    done = rows and all(s in ("applied", "moot") for *_, s in rows)
                    if done and len({(p, m) for p, k, m, _ in rows if k == "delete"}) == 2 * SLURS:
                        break
                    clock.advance(seconds=30)  # past each retry's backoff
                    assert app.services is not None
                    await app.services.executor.reconcile()
                    await asyncio.sleep(0.2)
        finally:
            on_telegram.close()
            on_discord.close()
            await asyncio.wait_for(running, 10)
    took = time.monotonic() - started
    rows = await recorded(config.storage.resolved_url())
    telegram_deletes = Counter(int(c["message_id"]) for c in telegram.ok_calls("deleteMessage"))
    discord_deletes = Counter(
        c.path.rsplit("/", 1)[1]
        for c in fake_discord.calls_to("DELETE", MESSAGE)
        if c.status == 204
    )
    refused = sum(1 for c in fake_discord.calls if c.status in (429, 500, 503))
    refused += sum(1 for c in telegram.calls if c.status in (429, 500, 502))
    doubled = sum(n > 1 for n in telegram_deletes.values()) + sum(
        n > 1 for n in discord_deletes.values()
    )
    print(
        f"\n[storms] Discord and Telegram at once: {len(rows)} actions recorded, "
        f"{sum(s == 'applied' for *_, s in rows)} applied, {sum(s == 'moot' for *_, s in rows)} "
        f"moot, {sum(s not in ('applied', 'moot') for *_, s in rows)} lost; {refused} calls "
        f"refused with 429/5xx on the way; doubled deletes {doubled}; all settled in {took:.1f} s"
    )
    assert all(s in ("applied", "moot") for *_, s in rows)
    assert len(telegram_deletes) == SLURS and len(discord_deletes) == SLURS and doubled == 0
    assert took < 30
