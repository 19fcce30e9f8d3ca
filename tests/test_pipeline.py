"""A message's way from the platform to the audit log, as moderators and members see it."""

from __future__ import annotations

from pathlib import Path

from adapters.base import PermissionDenied, TargetGone, TransientError
from bot.actions import ActionKind
from tests.conftest import Running
from tests.helpers import build_core

SLUR = "you absolute f4ggot"


async def test_a_clean_message_leaves_no_trace(running: Running) -> None:
    decision = await running.fake.deliver(running.fake.message("hello, how is everyone?"))
    assert decision is not None and decision.label == "allow"
    assert running.fake.calls == [] and await running.cases() == []


async def test_a_slur_is_deleted_the_member_told_why_then_timed_out(running: Running) -> None:
    msg = running.fake.message(SLUR, author="bob")
    decision = await running.fake.deliver(msg)
    assert decision is not None and decision.label == "timeout"
    kinds = [a.kind for a in running.fake.calls]
    assert kinds == [ActionKind.DELETE, ActionKind.WARN, ActionKind.TIMEOUT]
    notice = running.fake.calls[1].reason
    assert "Respect everyone" in notice and "f4ggot" not in notice
    (case,) = await running.cases()
    assert (case.user_id, case.decision, case.rules, case.excerpt) == (
        "bob",
        "timeout",
        ("slurs", "toxic"),
        SLUR,
    )


async def test_the_evidence_is_the_span_the_member_wrote(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "a.db")
    text = "well ʏᴏᴜ ᴀʀᴇ a Ｂ Ｉ Ｔ Ｃ Ｈ, ok"
    decision = await core.say(text)
    (hit,) = [h for h in decision.hits if h.rule == "profanity"]
    assert text[hit.start : hit.end] == hit.evidence == "Ｂ Ｉ Ｔ Ｃ Ｈ"
    await core.close()


async def test_a_redelivered_message_makes_no_new_rows_and_no_new_calls(running: Running) -> None:
    msg = running.fake.message(SLUR, message_id="same")
    await running.fake.deliver(msg)
    calls = len(running.fake.calls)
    await running.fake.deliver(msg)
    assert len(running.fake.calls) == calls == 3
    assert len(await running.cases()) == 1


async def test_moderators_and_bots_are_exempt(running: Running) -> None:
    await running.fake.deliver(running.fake.message("fuck this bug", moderator=True))
    assert running.fake.calls == [] and await running.cases() == []


async def test_a_transient_platform_error_is_retried_until_applied_once(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "a.db")
    core.fake.fail["delete"] = [TransientError("429"), TransientError("502")]
    await core.say("shut up you bitch")
    assert await core.statuses() == [("delete", "pending"), ("warn", "applied")]
    core.clock.advance(seconds=2)
    await core.executor.reconcile()
    assert await core.statuses() == [("delete", "pending"), ("warn", "applied")]
    core.clock.advance(seconds=4)
    await core.executor.reconcile()
    assert await core.statuses() == [("delete", "applied"), ("warn", "applied")]
    assert [a.kind for a in core.fake.calls] == [ActionKind.WARN, ActionKind.DELETE]
    await core.close()


async def test_gone_targets_are_moot_and_missing_permissions_fail_visibly(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "a.db")
    core.fake.fail["delete"] = [TargetGone("already deleted")]
    core.fake.fail["timeout"] = [PermissionDenied("member ranks above the bot")]
    await core.say(SLUR)
    assert await core.statuses() == [("delete", "moot"), ("warn", "applied"), ("timeout", "failed")]
    await core.executor.reconcile()
    assert len(core.fake.calls) == 1
    await core.close()


SHADOW_AND_DRY = """
[bot]
dry_run = {dry}
excerpt_chars = 5
[[guidelines]]
id = "g"
title = {{ en = "G", id = "G" }}
text = {{ en = "g", id = "g" }}
[[rules]]
name = "pineapple"
type = "words"
guideline = "g"
params = {{ words = ["pineapple"] }}
shadow = {shadow}
"""


async def test_dry_run_records_what_would_happen_and_does_nothing(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "a.db", SHADOW_AND_DRY.format(dry="true", shadow="false"))
    await core.say("I like pineapple on pizza")
    assert core.fake.calls == []
    assert await core.statuses() == [("delete", "skipped"), ("warn", "skipped")]
    await core.close()


async def test_a_shadow_rule_records_a_case_without_acting(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "a.db", SHADOW_AND_DRY.format(dry="false", shadow="true"))
    decision = await core.say("I like pineapple on pizza")
    assert decision.label == "allow" and decision.hits[0].shadow
    assert core.fake.calls == [] and await core.statuses() == []
    from tests.conftest import read_cases

    (case,) = await read_cases(core.config)
    assert case.rules == ("pineapple",) and case.excerpt == "I lik"
    await core.close()


INDONESIAN = """
[[guidelines]]
id = "bahasa"
title = { en = "Keep it clean", id = "Jaga bahasa" }
text = { en = "No swearing.", id = "Dilarang memaki." }
[[rules]]
name = "kasar"
type = "words"
guideline = "bahasa"
params = { lexicons = ["id-kasar"] }
on_match = { delete = true, sanction = "timeout", duration = "1h" }
[[communities]]
id = "warung-kode"
language = "id"
platforms = { fake = ["c1"] }
"""


async def test_an_indonesian_community_is_told_in_indonesian(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "a.db", INDONESIAN)
    await core.say("dasar b4ngs4t lu")
    notice = core.fake.calls[1].reason
    assert notice == (
        "Pesanmu melanggar pedoman kami “Jaga bahasa”. Kamu bisa mengirim pesan lagi dalam 1 jam."
    )
    from tests.conftest import read_cases

    (case,) = await read_cases(core.config, community="warung-kode")
    assert case.number == 1
    await core.close()
