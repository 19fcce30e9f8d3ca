"""Moderation calls through discord.py are recorded, checked like Discord, and echoed as events."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.harness import FastBot, collect, next_of, running

pytestmark = pytest.mark.filterwarnings("error")


async def test_delete_timeout_kick_and_ban_are_recorded_with_reasons(
    fake_discord: FakeDiscord,
) -> None:
    world = fake_discord.world
    bot = FastBot()
    bans, audits = collect(bot, "member_ban"), collect(bot, "audit_log_entry_create")
    async with running(bot, fake_discord):
        guild = bot.get_guild(world.guild.id)
        posted = await fake_discord.post("alice", "spam")
        await (
            guild.get_channel(int(posted["channel_id"]))
            .get_partial_message(int(posted["id"]))
            .delete()
        )
        alice, bob = (
            guild.get_member(world.member("alice").id),
            guild.get_member(world.member("bob").id),
        )
        await alice.timeout(timedelta(minutes=10), reason="spam: rule 3")
        await guild.kick(bob, reason="raid")
        await guild.ban(alice, reason="hate speech", delete_message_seconds=3600)
        banned_guild, banned = await next_of(bans)
        assert banned.id == alice.id
        entries = [await next_of(audits) for _ in range(4)]
        assert [b.reason async for b in guild.bans()] == ["hate speech"]
        await guild.unban(alice, reason="appeal")
        assert (await next_of(audits)).action == discord.AuditLogAction.unban
    assert not fake_discord.exists(posted)
    (timeout,) = fake_discord.calls_to("PATCH", "/guilds/{}/members/{}")
    assert set(timeout.json) == {"communication_disabled_until"}
    assert timeout.headers["X-Audit-Log-Reason"] == "spam%3A rule 3"
    (ban,) = fake_discord.calls_to("PUT", "/guilds/{}/bans/{}")
    assert ban.query == {"delete_message_seconds": "3600"} and ban.json is None
    assert fake_discord.calls_to("DELETE", "/guilds/{}/members/{}")[0].path.endswith(str(bob.id))
    assert alice.id not in world.guild.members and alice.id not in world.guild.bans
    assert fake_discord.calls_to("DELETE", "/guilds/{}/bans/{}")
    assert [e.action for e in entries] == [
        discord.AuditLogAction.message_delete,
        discord.AuditLogAction.member_update,
        discord.AuditLogAction.kick,
        discord.AuditLogAction.ban,
    ]
    assert {e.user_id for e in entries} == {world.bot.id}
    assert [e.reason for e in entries] == [None, "spam: rule 3", "raid", "hate speech"]


async def test_acting_on_a_member_at_or_above_the_bot_is_forbidden(
    fake_discord: FakeDiscord,
) -> None:
    async with running(FastBot(), fake_discord) as bot:
        guild = bot.get_guild(fake_discord.world.guild.id)
        admin = guild.get_member(fake_discord.member("admin").id)
        for action in (
            guild.ban(admin),
            guild.kick(admin),
            admin.timeout(timedelta(minutes=5)),
        ):
            with pytest.raises(discord.Forbidden) as refused:
                await action
            assert refused.value.code == 50013 and refused.value.text == "Missing Permissions"
        alice = guild.get_member(fake_discord.member("alice").id)
        with pytest.raises(discord.Forbidden):
            await alice.add_roles(guild.get_role(fake_discord.role("Admin").id))
        await alice.add_roles(guild.get_role(fake_discord.role("Moderator").id))
        assert fake_discord.role("Moderator").id in fake_discord.member("alice").roles
        await alice.remove_roles(guild.get_role(fake_discord.role("Member").id))
    assert fake_discord.member("alice").roles == [fake_discord.role("Moderator").id]
    assert fake_discord.member("admin").id in fake_discord.world.guild.members


async def test_unknown_messages_members_and_bans_are_not_found(fake_discord: FakeDiscord) -> None:
    async with running(FastBot(), fake_discord) as bot:
        guild = bot.get_guild(fake_discord.world.guild.id)
        general = guild.get_channel(fake_discord.channel("general").id)
        with pytest.raises(discord.NotFound) as message:
            await general.get_partial_message(12345).delete()
        with pytest.raises(discord.NotFound) as member:
            await guild.fetch_member(12345)
        with pytest.raises(discord.NotFound) as ban:
            await guild.fetch_ban(discord.Object(fake_discord.member("bob").id))
        posted = await fake_discord.post("alice", "soon gone")
        await (await general.fetch_message(int(posted["id"]))).delete()
        with pytest.raises(discord.NotFound) as gone:
            await general.fetch_message(int(posted["id"]))
    codes = (message.value.code, member.value.code, ban.value.code, gone.value.code)
    assert codes == (10008, 10007, 10026, 10008)


async def test_a_hand_made_ban_arrives_with_the_moderator_in_the_audit_entry(
    fake_discord: FakeDiscord,
) -> None:
    bot = FastBot()
    removals, audits = collect(bot, "member_remove"), collect(bot, "audit_log_entry_create")
    updates = collect(bot, "member_update")
    async with running(bot, fake_discord):
        await fake_discord.ban_by_hand("mod", "bob", reason="raiding")
        await fake_discord.timeout_by_hand("mod", "alice", timedelta(hours=1))
        assert (await next_of(removals)).name == "bob"
        before, after = await next_of(updates)
        assert not before.is_timed_out() and after.is_timed_out()
        with pytest.raises(AssertionError, match="cannot send"):
            await fake_discord.post("alice", "am I muted?")
        ban, timeout = await next_of(audits), await next_of(audits)
        assert (ban.action, ban.user_id, ban.reason) == (
            discord.AuditLogAction.ban,
            fake_discord.member("mod").id,
            "raiding",
        )
        assert timeout.changes.after.timed_out_until is not None
        history = [e async for e in bot.get_guild(fake_discord.world.guild.id).audit_logs()]
        assert [e.action for e in history] == [
            discord.AuditLogAction.member_update,
            discord.AuditLogAction.ban,
        ]
    assert fake_discord.calls_to("GET", "/guilds/{}/audit-logs")


async def test_allowed_mentions_decide_what_really_pings(fake_discord: FakeDiscord) -> None:
    alice, moderators = fake_discord.member("alice"), fake_discord.role("Moderator")
    text = f"@everyone <@&{moderators.id}> <@{alice.id}>"
    async with running(FastBot(), fake_discord) as bot:
        channel = bot.get_channel(fake_discord.channel("general").id)
        silent = await channel.send(text)
        addressed = await channel.send(
            text, allowed_mentions=discord.AllowedMentions(users=[discord.Object(alice.id)])
        )
        leaked = await channel.send(text, allowed_mentions=discord.AllowedMentions.all())
        member_post = await fake_discord.post("bob", text)
    assert leaked.mention_everyone and fake_discord.pings(fake_discord.bot_messages()[2]) == {
        "everyone": True,
        "roles": [str(moderators.id)],
        "users": [str(alice.id)],
    }
    assert silent.mentions == [] and not silent.mention_everyone and silent.role_mentions == []
    posts = fake_discord.calls_to("POST", "/channels/{}/messages")
    assert posts[0].json["allowed_mentions"] == {"parse": []}
    assert fake_discord.pings(fake_discord.bot_messages()[1]) == {
        "everyone": False,
        "roles": [],
        "users": [str(alice.id)],
    }
    assert [m.id for m in addressed.mentions] == [alice.id]
    assert fake_discord.pings(member_post) == {
        "everyone": False,
        "roles": [],
        "users": [str(alice.id)],
    }


async def test_discord_refuses_bad_messages_and_unwanted_dms(fake_discord: FakeDiscord) -> None:
    fake_discord.member("bob").user.accepts_dms = False
    async with running(FastBot(), fake_discord) as bot:
        guild = bot.get_guild(fake_discord.world.guild.id)
        channel = guild.get_channel(fake_discord.channel("general").id)
        with pytest.raises(discord.HTTPException) as too_long:
            await channel.send("x" * 2001)
        with pytest.raises(discord.Forbidden) as no_dms:
            await guild.get_member(fake_discord.member("bob").id).send("warning")
        dm = await guild.get_member(fake_discord.member("alice").id).send("warning")
        dm = await dm.edit(content="warning (edited)")
        with pytest.raises(discord.Forbidden) as not_ours:
            foreign = await fake_discord.post("alice", "mine")
            await channel.get_partial_message(int(foreign["id"])).edit(content="hijacked")
        with pytest.raises(discord.NotFound) as unknown_route:
            await bot.http.request(
                discord.http.Route("GET", "/guilds/{guild_id}/stickers", guild_id=guild.id)
            )
    assert too_long.value.code == 50035 and "content" in too_long.value.text
    assert no_dms.value.code == 50007 and unknown_route.value.code == 0
    assert not_ours.value.code == 50005 and dm.content == "warning (edited)"
    assert fake_discord.gaps == [f"GET /guilds/{guild.id}/stickers"]
    fake_discord.gaps.clear()
    assert fake_discord.calls_to("POST", "/users/@me/channels")


async def test_purge_reads_history_and_bulk_deletes(fake_discord: FakeDiscord) -> None:
    posted = [await fake_discord.post("bob", f"flood {i}") for i in range(4)]
    kept = await fake_discord.post("alice", "hello")
    async with running(FastBot(), fake_discord) as bot:
        channel = bot.get_channel(fake_discord.channel("general").id)
        deleted = await channel.purge(limit=10, check=lambda m: m.author.name == "bob")
    assert sorted(m.id for m in deleted) == sorted(int(p["id"]) for p in posted)
    assert fake_discord.exists(kept) and not any(fake_discord.exists(p) for p in posted)
    (bulk,) = fake_discord.calls_to("POST", "/channels/{}/messages/bulk-delete")
    assert len(bulk.json["messages"]) == 4


async def test_command_sync_is_validated_like_discord(fake_discord: FakeDiscord) -> None:
    guild_id = fake_discord.world.guild.id
    command = {"name": "rules", "description": "Show the rules", "type": 1}
    localised = {**command, "name_localizations": {"id": "aturan"}}
    async with running(FastBot(), fake_discord) as bot:
        app_id = fake_discord.world.app_id
        stored = await bot.http.bulk_upsert_guild_commands(app_id, guild_id, [localised])
        for bad in (
            {**command, "name": "Rules"},
            {**command, "description": ""},
            {**command, "name_localizations": {"en": "rules"}},
            {
                **command,
                "options": [
                    {"name": "a", "description": "a", "type": 3},
                    {"name": "b", "description": "b", "type": 3, "required": True},
                ],
            },
        ):
            with pytest.raises(discord.HTTPException) as refused:
                await bot.http.bulk_upsert_guild_commands(app_id, guild_id, [bad])
            assert refused.value.code == 50035
        again = await bot.http.bulk_upsert_guild_commands(app_id, guild_id, [localised])
    assert stored[0]["name_localizations"] == {"id": "aturan"}
    assert again[0]["id"] == stored[0]["id"] and again[0]["guild_id"] == str(guild_id)
