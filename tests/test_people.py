"""One person across platforms, and the moderators' record of them: links, cases, history."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from adapters.fake import FakeAdapter
from bot.actions import ActionKind
from bot.events import PlatformAction
from tests.conftest import read_cases
from tests.helpers import Core, build_core

SHARED = """
[[guidelines]]
id = "respect"
title = { en = "Respect everyone", id = "Hormati semua orang" }
text = { en = "Be kind.", id = "Bersikap baik." }
[[communities]]
id = "kopi"
platforms = { fake = ["c1"], other = ["c2"] }
share_bans = true
texts = { en = { "cmd.warned" = "Noted, {user} has been warned (case #{case})." } }
"""


async def two_platforms(tmp_path: Path) -> tuple[Core, FakeAdapter]:
    other = FakeAdapter("other", community_id="c2")
    core = await build_core(tmp_path / "a.db", SHARED, other)
    return core, other


async def test_a_linked_member_banned_on_one_platform_is_banned_on_the_other(
    tmp_path: Path,
) -> None:
    core, other = await two_platforms(tmp_path)
    asked = await core.command(core.fake.member("bob"), "link")
    code = asked.text.split("link code is ")[1].split(".")[0]
    assert asked.private and len(code) == 6
    wrong = await core.command(other.member("bob2"), "link", on=other, code="ZZZZZZ")
    assert wrong.text == "That code is unknown or has expired."
    linked = await core.command(other.member("bob2"), "link", on=other, code=code)
    assert linked.text == "Linked: your accounts now share strikes and bans in kopi."
    again = await core.command(other.member("bob2"), "link", on=other, code=code)
    assert again.text == "That code is unknown or has expired."  # one use only

    mod = core.fake.member("maya", moderator=True)
    await core.command(mod, "ban", core.fake.member("bob"), reason="raid")
    bans = [
        (a.platform, a.community_id, a.user_id)
        for a in core.fake.calls + other.calls
        if a.kind is ActionKind.BAN
    ]
    assert sorted(bans) == [("fake", "c1", "bob"), ("other", "c2", "bob2")]
    await core.close()


async def test_a_code_expires_and_cannot_link_an_account_to_itself(tmp_path: Path) -> None:
    core, other = await two_platforms(tmp_path)
    asked = await core.command(core.fake.member("bob"), "link")
    code = asked.text.split("link code is ")[1].split(".")[0]
    same = await core.command(core.fake.member("bob"), "link", code=code)
    assert same.text == "That code is unknown or has expired."
    core.clock.advance(minutes=11)
    late = await core.command(other.member("bob2"), "link", on=other, code=code)
    assert late.text == "That code is unknown or has expired."
    await core.close()


async def test_a_community_can_word_its_own_texts(tmp_path: Path) -> None:
    core, _ = await two_platforms(tmp_path)
    mod = core.fake.member("maya", moderator=True)
    answer = await core.command(mod, "warn", core.fake.member("bob"), reason="spam")
    assert answer.text == "Noted, bob has been warned (case #1)."
    await core.close()


async def test_cases_keep_their_first_reason_and_every_amendment(tmp_path: Path) -> None:
    core, _ = await two_platforms(tmp_path)
    mod = core.fake.member("maya", moderator=True)
    await core.command(mod, "warn", core.fake.member("bob"), reason="spam")
    changed = await core.command(mod, "reason", case="1", reason="spam links in #general")
    assert changed.text == "Case #1: the reason now reads “spam links in #general”."
    shown = await core.command(mod, "case", case="1")
    assert "Reason: spam links in #general" in shown.text and "by maya" in shown.text
    async with core.db.read() as conn:
        hits = (await conn.execute(text("SELECT reason FROM case_hits"))).all()
        amendments = (await conn.execute(text("SELECT actor, reason FROM case_amendments"))).all()
    assert [h[0] for h in hits] == ["spam"]
    assert [tuple(a) for a in amendments] == [("maya", "spam links in #general")]
    missing = await core.command(mod, "case", case="99")
    assert missing.text == "There is no case #99."
    await core.close()


async def test_purge_removes_the_members_last_messages_wherever_they_were(tmp_path: Path) -> None:
    core, _ = await two_platforms(tmp_path)
    for n in range(4):
        channel = "offtopic" if n % 2 else "general"
        await core.say(f"message {n}", author="bob", message_id=f"b{n}", channel=channel)
    await core.say("hello", author="ann", message_id="a1")
    mod = core.fake.member("maya", moderator=True)
    answer = await core.command(mod, "purge", core.fake.member("bob"), count="3")
    assert answer.text == "Deleting 3 message(s) from bob (case #1)."
    deleted = [(a.message_id, a.channel_id) for a in core.fake.calls if a.kind is ActionKind.DELETE]
    assert deleted == [("b3", "offtopic"), ("b2", "general"), ("b1", "offtopic")]
    await core.close()


async def test_a_temporary_ban_lifts_itself(tmp_path: Path) -> None:
    core, _ = await two_platforms(tmp_path)
    mod = core.fake.member("maya", moderator=True)
    answer = await core.command(
        mod, "ban", core.fake.member("bob"), duration="2h", reason="cool off"
    )
    assert answer.text == "Banned bob 2 hours (case #1)."
    assert [a.kind for a in core.fake.calls] == [ActionKind.WARN, ActionKind.BAN]
    core.clock.advance(hours=1)
    await core.executor.reconcile()
    assert ActionKind.UNBAN not in [a.kind for a in core.fake.calls]
    core.clock.advance(hours=1, seconds=1)
    await core.executor.reconcile()
    assert core.fake.calls[-1].kind is ActionKind.UNBAN
    gone = await core.command(mod, "unban", None, reason="appeal")
    assert gone.text == "/unban needs a member."
    await core.close()


async def test_unban_works_for_a_member_who_is_no_longer_there(tmp_path: Path) -> None:
    core, _ = await two_platforms(tmp_path)
    mod = core.fake.member("maya", moderator=True)
    from bot.events import Invocation

    invocation = Invocation(
        id="u1",
        platform="fake",
        community_id="c1",
        channel_id="general",
        actor=mod,
        command="unban",
        args={"reason": "appeal"},
        target=None,
        target_id="ghost",
        bot=core.fake.member("modbot", rank=60),
        at=core.clock(),
    )
    answer = await core.core.on_command(invocation)
    assert answer.text == "Unbanned ghost (case #1)."
    assert [(a.kind, a.user_id) for a in core.fake.calls] == [(ActionKind.UNBAN, "ghost")]
    await core.close()


async def test_bans_made_by_hand_on_the_platform_are_recorded(tmp_path: Path) -> None:
    core, _ = await two_platforms(tmp_path)
    action = PlatformAction(
        "audit-1",
        "ban",
        core.fake.member("bob"),
        core.fake.member("owner", moderator=True),
        "raid",
        core.clock(),
    )
    await core.core.on_platform_action(action)
    await core.core.on_platform_action(action)  # reported twice: recorded once
    (case,) = await read_cases(core.config)
    assert (case.decision, case.user_id) == ("ban", "bob")
    assert core.fake.calls == []  # already done on the platform: never applied again
    await core.close()


LINKED_LADDER = (
    SHARED
    + """
[strikes]
ladder = [{ strikes = 2, within = "30d", sanction = "timeout", duration = "1h" }]
"""
)


async def test_strikes_follow_the_person_across_linked_accounts(tmp_path: Path) -> None:
    other = FakeAdapter("other", community_id="c2")
    core = await build_core(tmp_path / "a.db", LINKED_LADDER, other)
    mod = core.fake.member("maya", moderator=True)
    await core.command(mod, "warn", core.fake.member("bob"), reason="spam")  # before linking
    asked = await core.command(core.fake.member("bob"), "link")
    code = asked.text.split("link code is ")[1].split(".")[0]
    await core.command(other.member("bob2"), "link", on=other, code=code)
    answer = await core.command(
        other.member("maya", moderator=True), "warn", other.member("bob2"), on=other, reason="x"
    )
    assert answer.text.startswith("Timed out bob2 for 1 hour")
    assert other.calls[-1].kind is ActionKind.TIMEOUT
    await core.close()


async def test_moderators_teach_the_faq_a_new_answer(tmp_path: Path) -> None:
    core, _ = await two_platforms(tmp_path)
    mod = core.fake.member("maya", moderator=True)
    added = await core.command(
        mod,
        "faq",
        action="add",
        name="parkir",
        triggers="dimana parkir, where can i park",
        answer="Parking is behind the hall.",
        answer_id="Parkir ada di belakang aula.",
    )
    assert added.text == "FAQ “parkir” saved."
    await core.say("dimana parkir ya?", author="sari")
    assert core.fake.sent[-1].text == "Parkir ada di belakang aula."
    listed = await core.command(mod, "faq", action="list")
    assert "parkir: dimana parkir, where can i park" in listed.text
    removed = await core.command(mod, "faq", action="remove", name="parkir")
    assert removed.text == "FAQ “parkir” removed."
    core.clock.advance(hours=1)
    await core.say("dimana parkir ya?", author="sari")
    assert len(core.fake.sent) == 1
    await core.close()
