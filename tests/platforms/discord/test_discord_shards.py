"""One bot token over two processes, one Discord shard each, on one audit log: each process
hears only the servers of its shard (`(server id >> 22) % 2`), and moderates them."""

from __future__ import annotations

import json
from pathlib import Path

from bot.config import Config
from tests.platforms.discord.bot_harness import (
    TOKEN,
    Discord,
    LiveClock,
    guild_config,
    sync_commands,
)
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.world import (
    BOT_ROLE,
    EVERYONE_DEFAULT,
    MODERATOR,
    Guild,
    Role,
    World,
)


def guild_on_the_other_shard(world: World) -> Guild:
    """A second server whose id falls on the other shard of two: its owner, the bot, carol."""
    first = world.guild
    guild = Guild(((first.id >> 22) + 1) << 22, "Second Guild", world.member("owner").user.id)
    world.guilds[guild.id] = guild
    for position, (name, perms, managed) in enumerate(
        [("@everyone", EVERYONE_DEFAULT, False), ("Member", 0, False)]
        + [("Moderator", MODERATOR, False), ("modbot", BOT_ROLE, True)]
    ):
        role_id = guild.id if position == 0 else guild.id + position
        guild.roles[role_id] = Role(role_id, name, position, perms, managed)
    for name in ("general", "mod-log"):
        world.add_channel(name, guild)
    world.add_member(world.bot, "modbot", guild=guild)
    world.add_member(world.add_user("carol"), "Member", guild=guild)
    return guild


def shard_config(tmp_path: Path, fake: FakeDiscord, second: Guild, shard: int) -> Config:
    world = fake.world
    communities = [
        {
            "id": name,
            "platforms": {"discord": [str(guild.id)]},
            "moderator_channels": {"discord": str(world.channel("mod-log", guild).id)},
        }
        for name, guild in (("first", world.guild), ("second", second))
    ]
    extra = {
        "communities": communities,
        "discord": {"shard_id": shard, "shard_count": 2},
        "storage": {"instance": f"discord-{shard}"},
    }
    return guild_config(tmp_path, fake, extra)


async def test_each_shard_process_moderates_the_servers_of_its_shard_alone(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    world = fake_discord.world
    world.token = TOKEN
    await sync_commands(fake_discord)
    first, second = world.guild, guild_on_the_other_shard(world)
    assert (first.id >> 22) % 2 != (second.id >> 22) % 2
    configs = {shard: shard_config(tmp_path, fake_discord, second, shard) for shard in (0, 1)}
    bots = {shard: Discord(fake_discord, config, LiveClock()) for shard, config in configs.items()}
    for bot in bots.values():
        await bot.start()
    try:
        owner = {(guild.id >> 22) % 2: guild for guild in (first, second)}
        for shard, bot in bots.items():  # each client knows its own server only
            assert bot.adapter.client is not None
            assert [g.id for g in bot.adapter.client.guilds] == [owner[shard].id]

        alice = world.member("alice")
        carol = world.member("carol", second)
        rude_a = fake_discord.effects.post(
            world.channel("general"), alice.user, {"content": "you faggot"}
        )
        rude_b = fake_discord.effects.post(
            world.channel("general", second), carol.user, {"content": "dasar bajingan"}
        )
        for bot in bots.values():
            await bot.settle()

        # Each message reached one process, the one of its server's shard ...
        for shard in (0, 1):
            session = next(s for s in fake_discord.gateway.every_session if s.shard == (shard, 2))
            frames = [json.loads(text) for text in session.frames]
            heard = [f["d"]["id"] for f in frames if f["t"] == "MESSAGE_CREATE"]
            expected = rude_a if owner[shard] is first else rude_b
            assert expected["id"] in heard
            assert (rude_b if expected is rude_a else rude_a)["id"] not in heard
        # ... and each was removed, with one case in the shared audit log.
        assert not fake_discord.exists(rude_a) and not fake_discord.exists(rude_b)
        cases = await bots[0].rows("SELECT community_id, user_id FROM cases ORDER BY id")
        assert sorted(cases) == [("first", str(alice.user.id)), ("second", str(carol.user.id))]
    finally:
        for bot in bots.values():
            await bot.stop()
