"""One community on a Discord server and a Telegram group: both real clients, both fakes.

A member links their accounts (/link on Discord, the code on Telegram); a moderator bans
them on Discord; with `share_bans` the ban follows them into the Telegram group, and the
audit log holds both bans under the one case.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text as sql

from adapters.discord import DiscordAdapter
from adapters.telegram import TelegramAdapter
from bot.app import App
from bot.config import Config
from storage.db import Database
from tests.platforms.discord.bot_harness import (
    TOKEN,
    FastModbot,
    LiveClock,
    guild_config,
    sync_commands,
)
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.story import answered
from tests.platforms.telegram_fake import FakeTelegram
from tests.platforms.telegram_harness import GROUP, MODS, SARI, populate
from tests.platforms.telegram_harness import TOKEN as TELEGRAM_TOKEN
from tests.platforms.telegram_world import World


async def settled(telegram: FakeTelegram, adapter: TelegramAdapter) -> None:
    async with asyncio.timeout(5):
        while True:
            if not telegram.unserved and adapter.handled >= max(telegram.served, default=0):
                return
            await asyncio.sleep(0.005)


async def test_a_ban_on_discord_follows_a_linked_member_into_telegram(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    clock = LiveClock()
    bob = fake_discord.member("bob")
    world = World(clock)
    populate(world)
    fake_discord.world.token = TOKEN
    await sync_commands(fake_discord)
    async with FakeTelegram(world, TELEGRAM_TOKEN) as telegram:
        community = {
            "id": "warung",
            "name": "Warung Kode",
            "platforms": {
                "discord": [str(fake_discord.world.guild.id)],
                "telegram": [str(GROUP)],
            },
            "moderator_channels": {
                "discord": str(fake_discord.channel("mod-log").id),
                "telegram": str(MODS),
            },
            "share_bans": True,
        }
        telegram_settings = {"base_url": telegram.base_url, "poll_timeout": 1, "read_timeout": 2}
        extra = {"communities": [community], "telegram": telegram_settings}
        config = guild_config(tmp_path, fake_discord, extra)
        on_telegram = TelegramAdapter(config, TELEGRAM_TOKEN, clock=clock)
        on_discord = DiscordAdapter(
            config,
            TOKEN,
            clock=clock,
            client_class=FastModbot,
            client_options={"guild_ready_timeout": 0.02},
        )
        app = App(config, [on_telegram, on_discord], clock=clock)
        running = asyncio.create_task(app.run())
        both = asyncio.gather(on_telegram.ready.wait(), on_discord.ready.wait())
        await asyncio.wait({both, running}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if running.done():
            running.result()
        assert both.done(), "both platforms connected"
        try:
            code = await answered(await fake_discord.slash("bob", "link"))
            word = code.split("Your link code is ")[1].split(".")[0]
            world.say(GROUP, SARI, f"/link {word}")
            await settled(telegram, on_telegram)
            linked = telegram.ok_calls("sendMessage")[-1]["text"]
            assert linked.startswith("Linked: your accounts now share strikes and bans")
            banned = await fake_discord.slash("mod", "ban", member=bob)
            assert (await answered(banned)).startswith("Banned bob")
            await settled(telegram, on_telegram)
            await telegram.wait_for("banChatMember")
        finally:
            on_telegram.close()
            on_discord.close()
            await asyncio.wait_for(running, 10)
    (ban,) = telegram.ok_calls("banChatMember")
    assert int(ban["user_id"]) == SARI["id"] and int(ban["chat_id"]) == GROUP
    assert world.status(GROUP, SARI["id"]) == "kicked", "banned in the Telegram group"
    assert bob.id in fake_discord.world.guild.bans
    assert await ban_actions(config) == [
        (1, "ban", "discord", str(bob.id), "applied"),
        (1, "ban", "telegram", str(SARI["id"]), "applied"),
    ], "both bans under case #1"


async def ban_actions(config: Config) -> list[tuple[object, ...]]:
    """(case number, kind, platform, user, status) of every ban action, in order."""
    db = Database(config.storage.resolved_url())
    try:
        async with db.read() as conn:
            found = await conn.execute(
                sql(
                    "SELECT c.number, a.kind, a.platform, a.user_id, a.status FROM actions a "
                    "JOIN cases c ON c.id = a.case_id WHERE a.kind = 'ban' ORDER BY a.id"
                )
            )
            return [tuple(row) for row in found]
    finally:
        await db.close()
