"""The fake Discord drives the real discord.py: login, gateway events, slash commands, buttons."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest
from discord import app_commands

from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.harness import (
    FastBot,
    FastClient,
    collect,
    intents,
    next_of,
    running,
)

pytestmark = pytest.mark.filterwarnings("error")


def test_the_seams_discord_py_is_pointed_through_still_exist() -> None:
    assert discord.http.Route.BASE.startswith("https://discord.com/api/v10")
    assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY).startswith("wss://")


async def test_a_bot_logs_in_and_caches_the_guild(fake_discord: FakeDiscord) -> None:
    bot = FastBot()
    ready = collect(bot, "ready")
    async with running(bot, fake_discord):
        await next_of(ready)
        guild = bot.get_guild(fake_discord.world.guild.id)
        assert guild is not None and guild.me is not None
        assert {m.name for m in guild.members} == {
            "owner",
            "modbot",
            "admin",
            "mod",
            "alice",
            "bob",
        }
        assert [r.name for r in guild.roles] == [
            "@everyone",
            "Member",
            "Moderator",
            "modbot",
            "Admin",
        ]
        assert guild.me.top_role.name == "modbot"
        assert guild.get_member(fake_discord.member("mod").id).guild_permissions.ban_members
        assert (
            not guild.get_channel(fake_discord.channel("mod-log").id)
            .permissions_for(guild.get_member(fake_discord.member("alice").id))
            .view_channel
        )
        assert bot.application_id == fake_discord.world.app_id
        roles = await guild.fetch_roles()
        assert {r.name: r.position for r in roles}["modbot"] == 3
        shards, url, _ = await bot.http.get_bot_gateway()
        assert (shards, url) == (1, fake_discord.gateway_url)
    logins = [(c.method, c.path) for c in fake_discord.calls[:2]]
    assert logins == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    token = f"Bot {fake_discord.world.token}"
    assert all(c.headers["Authorization"] == token for c in fake_discord.calls)
    identify = await fake_discord.gateway.wait_for_op(2)
    assert identify["d"]["intents"] == intents().value


async def test_a_wrong_token_is_refused_at_login(fake_discord: FakeDiscord) -> None:
    client = FastClient()
    try:
        with pytest.raises(discord.LoginFailure):
            await client.start("not-the-token")
    finally:
        await client.close()
    assert [c.status for c in fake_discord.calls] == [401]


async def test_member_messages_edits_and_joins_reach_the_bot(fake_discord: FakeDiscord) -> None:
    bot = FastBot()
    messages, joins = collect(bot, "message"), collect(bot, "member_join")
    edits = collect(bot, "raw_message_edit")
    async with running(bot, fake_discord):
        posted = await fake_discord.post("alice", "buy spam now", embeds=[{"title": "Offer"}])
        message = await next_of(messages)
        assert message.content == "buy spam now" and message.embeds[0].title == "Offer"
        assert isinstance(message.author, discord.Member) and message.guild is not None
        assert message.id == int(posted["id"])
        await fake_discord.edit(posted, "buy sp4m now")
        edit = await next_of(edits)
        assert edit.message.content == "buy sp4m now" and edit.message_id == message.id
        await fake_discord.join("carol", age=timedelta(days=2))
        joined = await next_of(joins)
        assert joined.name == "carol"
        assert timedelta(days=2) <= datetime.now(UTC) - joined.created_at < timedelta(days=2.01)


async def test_without_the_content_intent_only_mentions_of_the_bot_keep_content(
    fake_discord: FakeDiscord,
) -> None:
    bot = FastBot(intents=discord.Intents.default())
    messages = collect(bot, "message")
    async with running(bot, fake_discord):
        await fake_discord.join("dave")
        await fake_discord.post("alice", "secret words")
        await fake_discord.post("alice", f"<@{fake_discord.world.bot.id}> hello")
        first, second = [await next_of(messages) for _ in range(2)]
        assert first.content == "" and second.content.endswith("hello")
        assert bot.get_guild(fake_discord.world.guild.id).get_member_named("dave") is None


async def test_a_privileged_intent_off_in_the_portal_fails_the_start(
    fake_discord: FakeDiscord,
) -> None:
    fake_discord.world.enabled_intents = 1 << 15
    bot = FastBot()
    try:
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await asyncio.wait_for(bot.start(fake_discord.world.token), 5)
    finally:
        await bot.close()


def moderation_bot(guild_id: int) -> FastBot:
    bot = FastBot()
    guild = discord.Object(guild_id)

    @bot.tree.command(name="timeout", description="Time a member out", guild=guild)
    @app_commands.checks.has_permissions(moderate_members=True)
    async def timeout(interaction: discord.Interaction, who: discord.Member, minutes: int) -> None:
        await who.timeout(timedelta(minutes=minutes), reason=f"by {interaction.user.name}")
        await interaction.response.send_message(f"{who.name} is timed out", ephemeral=True)

    @timeout.error
    async def refuse(interaction: discord.Interaction, error: Exception) -> None:
        await interaction.response.send_message("You may not do that.", ephemeral=True)

    @bot.tree.context_menu(name="Report message", guild=guild)
    async def report(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send(f"Reported: {message.content}", ephemeral=True)

    return bot


async def test_a_synced_slash_command_runs_with_a_member_option(fake_discord: FakeDiscord) -> None:
    guild = fake_discord.world.guild
    bot = moderation_bot(guild.id)
    async with running(bot, fake_discord):
        synced = await bot.tree.sync(guild=discord.Object(guild.id))
        assert sorted(c.name for c in synced) == ["Report message", "timeout"]
        bob = fake_discord.member("bob")
        refused = await fake_discord.slash("alice", "timeout", who=bob, minutes=5)
        assert (await refused.response())["data"]["content"] == "You may not do that."
        ix = await fake_discord.slash("mod", "timeout", who=bob, minutes=5)
        assert await ix.response() == {
            "type": 4,
            "data": {
                "content": "bob is timed out",
                "flags": 64,
                "tts": False,
                "allowed_mentions": {"parse": []},
            },
        }
    put = fake_discord.calls_to("PUT", f"/applications/{{}}/guilds/{guild.id}/commands")
    assert [c["name"] for c in put[0].json] == ["timeout", "Report message"]
    (patch,) = fake_discord.calls_to("PATCH", "/guilds/{}/members/{}")
    assert patch.path.endswith(str(bob.id)) and patch.headers["X-Audit-Log-Reason"] == "by mod"
    assert bob.timed_out() and "Authorization" not in _callback_calls(fake_discord)[0].headers


async def test_a_message_context_menu_reports_with_defer_and_followup(
    fake_discord: FakeDiscord,
) -> None:
    bot = moderation_bot(fake_discord.world.guild.id)
    async with running(bot, fake_discord):
        await bot.tree.sync(guild=discord.Object(fake_discord.world.guild.id))
        reported = await fake_discord.post("bob", "you are all idiots")
        ix = await fake_discord.context_menu("alice", "Report message", reported)
        assert await ix.response() == {"type": 5, "data": {"flags": 64}}
        followup = await ix.followup()
        assert followup["content"] == "Reported: you are all idiots"
        assert followup["flags"] & 64 and ix.texts() == ["Reported: you are all idiots"]


async def test_groups_choices_and_user_menus_follow_the_synced_schema(
    fake_discord: FakeDiscord,
) -> None:
    bot = FastBot()
    cases = app_commands.Group(
        name="case",
        description="Moderation cases",
        default_permissions=discord.Permissions(moderate_members=True),
    )

    @cases.command(name="close", description="Close a case")
    @app_commands.choices(
        verdict=[app_commands.Choice(name=v, value=v) for v in ("ban", "dismiss")]
    )
    async def close(
        interaction: discord.Interaction, number: int, verdict: app_commands.Choice[str]
    ) -> None:
        await interaction.response.send_message(f"case {number}: {verdict.value}")

    @bot.tree.context_menu(name="Strikes")
    async def strikes(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"{member.name}: 0 strikes", ephemeral=True)

    bot.tree.add_command(cases)
    async with running(bot, fake_discord):
        with pytest.raises(AssertionError, match="never synced"):
            await fake_discord.slash("mod", "case close", number=7, verdict="ban")
        await bot.tree.sync()
        with pytest.raises(AssertionError, match="not a choice"):
            await fake_discord.slash("mod", "case close", number=7, verdict="maybe")
        with pytest.raises(AssertionError, match="hides"):
            await fake_discord.slash("alice", "case close", number=7, verdict="ban")
        ix = await fake_discord.slash("mod", "case close", number=7, verdict="ban")
        assert (await ix.response())["data"]["content"] == "case 7: ban"
        menu = await fake_discord.context_menu("mod", "Strikes", fake_discord.member("bob"))
        assert (await menu.response())["data"]["content"] == "bob: 0 strikes"
    (answer,) = fake_discord.bot_messages("general")
    assert answer["type"] == 20 and answer["interaction_metadata"]["id"] == str(ix.id)
    assert fake_discord.calls_to("PUT", "/applications/{}/commands")


def _callback_calls(fake: FakeDiscord) -> list[Any]:
    return fake.calls_to("POST", "/interactions/{}/{}/callback")
