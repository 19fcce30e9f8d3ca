"""Welcome and the gate, FAQ answers and member reports, as newcomers and members see them."""

from __future__ import annotations

from pathlib import Path

from bot.actions import ActionKind
from bot.events import Join, Report, Verification
from tests.helpers import Core, build_core

COMMUNITY = """
[welcome]
gate = "{gate}"
gate_time = "10m"
on_gate_timeout = "{timeout}"
delete_after = "5m"
question = {{ en = "What is 2 + 3?", id = "Berapa 2 + 3?" }}
choices = ["4", "5"]
answer = "5"
[reports]
hide_after = 3
[faq]
cooldown = "5m"
[[faq.entries]]
name = "jadwal"
phrases = ["jam berapa acara mulai", "what time does the event start"]
answer = {{ en = "The event starts at 19:00 WIB.", id = "Acara mulai jam 19.00 WIB." }}
[[faq.entries]]
name = "wifi"
keywords = ["wifi", "password"]
answer = {{ en = "The wifi password is on the board.", id = "Kata sandi wifi ada di papan." }}
[[guidelines]]
id = "respect"
title = {{ en = "Respect everyone", id = "Hormati semua orang" }}
text = {{ en = "Be kind.", id = "Bersikap baik." }}
[[communities]]
id = "warung"
name = "Warung Kode"
language = "{language}"
platforms = {{ fake = ["c1"] }}
moderator_channels = {{ fake = "mods" }}
"""


async def community(
    tmp_path: Path, gate: str = "none", on_timeout: str = "kick", language: str = "en"
) -> Core:
    text = COMMUNITY.format(gate=gate, timeout=on_timeout, language=language)
    return await build_core(tmp_path / "a.db", text)


async def join(core: Core, name: str, count: int = 42) -> None:
    await core.core.on_join(Join(core.fake.member(name), core.clock(), count, "lobby"))


async def test_a_newcomer_is_greeted_in_the_community_language(tmp_path: Path) -> None:
    core = await community(tmp_path, language="id")
    await join(core, "sari")
    (greeting,) = core.fake.sent
    assert greeting.text.startswith("Selamat datang di Warung Kode, sari!")
    assert "42 anggota" in greeting.text and greeting.mention_user_id == "sari"
    assert greeting.channel_id == "lobby" and greeting.delete_after is not None
    await join(core, "budi")
    assert [p.message_id for p in core.fake.retracted] == ["bot1"]  # the previous greeting
    assert len(core.fake.sent) == 2
    await core.close()


async def test_the_button_gate_holds_a_newcomer_until_they_press_it(tmp_path: Path) -> None:
    core = await community(tmp_path, gate="button")
    await join(core, "sari")
    assert [a.kind for a in core.fake.calls] == [ActionKind.RESTRICT]
    assert [b.data for b in core.fake.sent[0].buttons] == ["gate:ok"]
    answer = await core.core.on_verify(
        Verification(core.fake.member("sari"), "gate:ok", core.clock())
    )
    assert answer.text == "Thanks, sari, you can post now."
    assert core.fake.calls[-1].kind is ActionKind.UNRESTRICT
    core.clock.advance(minutes=11)
    assert await core.services.welcome.expire_due() == 0  # passed: nothing to expire
    await core.close()


async def test_a_newcomer_who_ignores_the_gate_is_handled_as_configured(tmp_path: Path) -> None:
    kicked = await community(tmp_path, gate="question", on_timeout="kick")
    await join(kicked, "spammer")
    wrong = await kicked.core.on_verify(
        Verification(kicked.fake.member("spammer"), "gate:0", kicked.clock())
    )
    assert wrong.text == "That is not the right answer; try again."
    kicked.clock.advance(minutes=10, seconds=1)
    assert await kicked.services.welcome.expire_due() == 1
    assert [a.kind for a in kicked.fake.calls] == [ActionKind.RESTRICT, ActionKind.KICK]
    await kicked.close()

    kept = await community(tmp_path / "two", gate="question", on_timeout="keep_restricted")
    await join(kept, "spammer")
    kept.clock.advance(minutes=11)
    assert await kept.services.welcome.expire_due() == 1
    assert [a.kind for a in kept.fake.calls] == [ActionKind.RESTRICT]
    await kept.close()


async def test_an_indonesian_question_gets_the_indonesian_answer_and_a_moderator_none(
    tmp_path: Path,
) -> None:
    core = await community(tmp_path)
    await core.say("jam berapa acaranya mulai?", author="sari")
    (answer,) = core.fake.sent
    assert answer.text == "Acara mulai jam 19.00 WIB." and answer.reply_to is not None
    await core.say("jam berapa acaranya mulai?", author="mod", moderator=True)
    await core.say("what time does the event start?", author="mod", moderator=True)
    assert len(core.fake.sent) == 1
    await core.say("What time does the event start?", author="tom")
    assert len(core.fake.sent) == 1  # the same entry in the same chat is on cooldown
    core.clock.advance(minutes=6)
    await core.say("What time does the event start?", author="tom")
    assert core.fake.sent[-1].text == "The event starts at 19:00 WIB."
    await core.say("what's the wifi password pls", author="tom")
    assert core.fake.sent[-1].text == "The wifi password is on the board."
    await core.say("I love this event", author="tom")
    assert len(core.fake.sent) == 3
    await core.close()


async def test_reports_gather_in_one_escalation_and_hide_the_message(tmp_path: Path) -> None:
    core = await community(tmp_path)
    bad = core.fake.message("buy followers at spam.example", author="spammer")
    await core.core.on_message(bad)
    for reporter in ("ann", "ben", "ben", "cat"):
        answer = await core.core.on_report(
            Report(bad, core.fake.member(reporter), "spam", core.clock())
        )
        assert answer.private and answer.text == "Thank you, the moderators will look at it."
    (esc,) = await core.services.escalations.store.open_ones()
    assert esc.reports == 3 and esc.hidden
    notices = [r for r in core.fake.sent if r.channel_id == "mods"]
    assert len(notices) == 1
    assert [a.kind for a in core.fake.calls] == [ActionKind.DELETE]  # hidden, member not told
    own = await core.core.on_report(Report(bad, core.fake.member("spammer"), "x", core.clock()))
    assert own.text == "You can't report your own message."
    await core.close()


async def test_report_command_needs_a_message(tmp_path: Path) -> None:
    core = await community(tmp_path)
    ann = core.fake.member("ann")
    assert (await core.command(ann, "report")).text.startswith("Reply to the message")
    bad = core.fake.message("rude thing", author="bob")
    answer = await core.command(ann, "report", message=bad, reason="rude")
    assert answer.text == "Thank you, the moderators will look at it."
    await core.close()


async def test_rules_lists_the_guidelines_in_the_community_language(tmp_path: Path) -> None:
    core = await community(tmp_path, language="id")
    answer = await core.command(core.fake.member("ann"), "rules")
    assert answer.text == "Pedoman Warung Kode:\n1. Hormati semua orang: Bersikap baik."
    assert not answer.private
    await core.close()


async def test_reports_alone_never_hide_or_sanction_a_moderator(tmp_path: Path) -> None:
    core = await community(tmp_path)
    said = core.fake.message("read the pinned post first", author="maya", moderator=True)
    await core.core.on_message(said)
    for reporter in ("ann", "ben", "cat", "dan"):
        await core.core.on_report(Report(said, core.fake.member(reporter), "mean", core.clock()))
    core.clock.advance(hours=3)
    assert await core.services.escalations.expire_due() == 1
    assert core.fake.calls == []  # not hidden, and the fallback did nothing to the moderator
    await core.close()


async def test_a_verdict_on_a_report_tells_the_member_without_naming_a_guideline(
    tmp_path: Path,
) -> None:
    from bot.events import Vote

    core = await community(tmp_path)
    bad = core.fake.message("buy followers", author="spammer")
    await core.core.on_message(bad)
    await core.core.on_report(Report(bad, core.fake.member("ann"), "spam", core.clock()))
    (esc,) = await core.services.escalations.store.open_ones()
    maya, bot = core.fake.member("maya", moderator=True), core.fake.member("modbot", rank=60)
    no_bot = await core.core.on_vote(Vote(esc.id, "delete", maya, core.clock()))
    assert "they rank at or above me" in no_bot.text  # the bot's rank unknown: no action
    await core.core.on_vote(Vote(esc.id, "delete", maya, core.clock(), bot))
    notice = next(a.reason for a in core.fake.calls if a.kind is ActionKind.WARN)
    assert notice == "Your message was removed by the moderators."
    await core.close()
