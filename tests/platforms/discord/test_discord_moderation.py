"""What moderators see the Discord adapter do beyond the scripted day: hand-made bans become
cases, the bot's own hierarchy is respected (and said), purges reach every channel,
temporary bans lift themselves, edits are judged once, and slow answers are deferred."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.i18n import text
from tests.platforms.discord.bot_harness import discord_bot
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.story import answered
from tests.platforms.discord.world import BAN, MODERATOR, Role, snowflake

SLUR_WARNS = {"slurs": {"delete": True, "sanction": "warn"}}


async def test_hand_made_bans_and_timeouts_are_cases_and_the_bots_own_are_not_counted_twice(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    bob, alice = (str(fake_discord.member(n).id) for n in ("bob", "alice"))
    async with discord_bot(tmp_path, fake_discord) as dc:
        await fake_discord.ban_by_hand("mod", "bob", "raid from another server")
        await fake_discord.timeout_by_hand("mod", "alice", timedelta(hours=1))
        await dc.settle()
        ix = await fake_discord.slash("mod", "ban", member=fake_discord.member("alice"))
        assert (await answered(ix)).startswith("Banned alice")
        await dc.settle()
        rows = await dc.rows("SELECT decision, user_id, actor, origin_key FROM cases ORDER BY id")
    mod = str(fake_discord.member("mod").id)
    assert [(d, u, a) for d, u, a, _ in rows] == [
        ("ban", bob, mod),
        ("timeout", alice, mod),
        ("ban", alice, mod),
    ]
    assert rows[0][3].startswith(f"platform:discord:{fake_discord.world.guild.id}:")
    (put,) = fake_discord.calls_to("PUT", "/guilds/{}/bans/{}")
    assert put.query == {"delete_message_seconds": "0"}, "the core purges, never Discord's day"


async def test_a_member_above_the_bot_is_not_touched_and_the_moderators_are_told_why(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    world = fake_discord.world
    vip = Role(snowflake(), "VIP", 9)
    world.guild.roles[vip.id] = vip
    world.add_member(world.add_user("star"), "VIP")
    async with discord_bot(tmp_path, fake_discord) as dc:
        posted = await fake_discord.post("star", "you faggot")
        await dc.settle()
        statuses = [(k, s) for k, _, _, s, _ in await dc.actions()]
    assert statuses == [("delete", "applied"), ("warn", "applied"), ("timeout", "failed")]
    assert not fake_discord.exists(posted)
    assert fake_discord.calls_to("PATCH", "/guilds/{}/members/{}") == [], "no request wasted"
    (alert,) = fake_discord.bot_messages("mod-log")
    assert alert["content"].startswith("I could not time out a member")
    assert "star's top role (VIP) is at or above mine (modbot)" in alert["content"]


async def test_purges_and_ban_purges_delete_in_every_channel_the_member_wrote_in(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    async with discord_bot(tmp_path, fake_discord) as dc:
        posted = [
            await fake_discord.post("bob", f"message {n}", channel=("general", "rules")[n % 2])
            for n in range(4)
        ]
        await dc.settle()
        bob = fake_discord.member("bob")
        ix = await fake_discord.slash("mod", "purge", member=bob, count=3)
        assert (await answered(ix)).startswith("Deleting 3 message(s) from bob")
        await dc.settle()
        assert [fake_discord.exists(m) for m in posted] == [True, False, False, False]
        ix = await fake_discord.slash("mod", "ban", member=bob, purge=5, reason="spam")
        assert (await answered(ix)).startswith("Banned bob")
        await dc.settle()
    assert not fake_discord.exists(posted[0]) and bob.id in fake_discord.world.guild.bans
    removals = fake_discord.calls_to("DELETE", "/channels/{}/messages/{}")
    done = [c.path for c in removals if c.status == 204]
    assert len(done) == len(set(done)) == 4, "each message removed once"
    assert {c.status for c in removals} == {204, 404}, "already gone is moot, not an error"
    moot = await dc.rows("SELECT count(*) FROM actions WHERE kind = 'delete' AND status = 'moot'")
    assert moot == [(len(removals) - 4,)]


async def test_a_temporary_ban_lifts_itself_and_unban_works_on_an_absent_member(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    bob = fake_discord.member("bob")
    async with discord_bot(tmp_path, fake_discord) as dc:
        ix = await fake_discord.slash("mod", "ban", member=bob, duration="2h", reason="cool off")
        assert await answered(ix) == "Banned bob 2 hours (case #1)."
        await dc.settle()
        assert bob.id in fake_discord.world.guild.bans
        dc.clock.advance(hours=2, seconds=1)
        await dc.reconcile()
        assert bob.id not in fake_discord.world.guild.bans
        alice = fake_discord.member("alice").user
        await fake_discord.ban_by_hand("mod", "alice")
        await dc.settle()
        assert alice.id not in fake_discord.world.guild.members, "no longer in the server"
        ix = await fake_discord.slash("mod", "unban", options={"member": str(alice.id)})
        assert (await answered(ix)).startswith(f"Unbanned {alice.id}")
        await dc.settle()
    assert alice.id not in fake_discord.world.guild.bans
    assert len(fake_discord.calls_to("DELETE", "/guilds/{}/bans/{}")) == 2


async def test_an_edit_is_judged_once_and_an_unchanged_one_not_again(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    async with discord_bot(tmp_path, fake_discord) as dc:
        grey = await fake_discord.post("bob", "you idiot")
        await dc.settle()
        await fake_discord.edit(grey, "you idiot")
        await dc.settle()
        assert len(fake_discord.bot_messages("mod-log")) == 1, "one escalation, not two"
        await fake_discord.edit(grey, "you idiot faggot")
        await dc.settle()
        assert not fake_discord.exists(grey)


async def test_without_a_verified_role_the_gate_is_a_timeout_and_a_question_works(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    question = {"en": "What is 2 + 2?", "id": "Berapa 2 + 2?"}
    gate = {"gate": "question", "question": question, "choices": ["3", "4"], "answer": "4"}
    async with discord_bot(tmp_path, fake_discord, {"welcome": gate}) as dc:
        dave = await fake_discord.join("dave")
        await dc.settle()
        assert dave.timed_out(), "held until the gate's deadline"
        (greeting,) = fake_discord.bot_messages("welcome")
        assert "What is 2 + 2?" in greeting["content"]
        wrong = await fake_discord.press("dave", greeting, "gate:0")
        assert await answered(wrong) == text("en", "welcome.wrong")
        right = await fake_discord.press("dave", greeting, "gate:1")
        assert await answered(right) == text("en", "welcome.passed", user="dave")
        await dc.settle()
    assert not dave.timed_out()
    patches = fake_discord.calls_to("PATCH", "/guilds/{}/members/{}")
    assert [c.json["communication_disabled_until"] is None for c in patches] == [False, True]


async def test_a_slow_answer_is_deferred_privately_and_then_given(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    async with discord_bot(tmp_path, fake_discord, ack_within=0.0) as dc:
        ix = await fake_discord.slash("mod", "queue")
        assert await ix.response() == {"type": 5, "data": {"flags": 64}}
        followup = await ix.followup()
        assert followup["content"] == text("en", "escalation.queue_empty")
        assert followup["flags"] & 64
        await dc.settle()
    (sent,) = fake_discord.calls_to("POST", "/webhooks/{}/{}")
    assert sent.json["allowed_mentions"] == {"parse": []}


async def test_a_bot_without_ban_rights_tells_the_moderators_once_a_run(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    fake_discord.role("modbot").permissions &= ~BAN
    assert fake_discord.role("Moderator").permissions == MODERATOR
    async with discord_bot(tmp_path, fake_discord) as dc:
        await dc.settle()
        start = len(fake_discord.gateway.received)
        await fake_discord.gateway.invalidate(resumable=False)  # the server comes back
        await fake_discord.gateway.wait_for_op(2, start)
        await dc.settle()
    (alert,) = fake_discord.bot_messages("mod-log")
    assert alert["content"] == text(
        "en", "alert.rights_missing", chat="Test Guild", rights=text("en", "alert.right_restrict")
    )


async def test_a_day_old_accounts_link_is_removed_an_old_members_is_not(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    async with discord_bot(tmp_path, fake_discord) as dc:
        await fake_discord.join("fresh", age=timedelta(hours=20))
        await fake_discord.join("settled", age=timedelta(days=30))
        young = await fake_discord.post("fresh", "look https://example.com/offer")
        old = await fake_discord.post("settled", "look https://example.com/offer")
        await dc.settle()
    assert not fake_discord.exists(young) and fake_discord.exists(old)


async def test_an_answer_too_late_for_discord_still_does_the_work(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    async with discord_bot(tmp_path, fake_discord) as dc:
        fake_discord.interactions.ack_deadline = 0.0  # the token died before the answer
        await fake_discord.slash("mod", "timeout", member=fake_discord.member("bob"))
        await dc.settle()
        assert [kind for kind, _ in await dc.cases()] == ["timeout"]
    (refused,) = fake_discord.calls_to("POST", "/interactions/{}/{}/callback")
    assert refused.status == 404 and fake_discord.member("bob").timed_out()
