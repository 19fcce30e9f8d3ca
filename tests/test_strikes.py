"""The strike ladder: automatic hits and manual warns add up, old strikes decay, pardons count."""

from __future__ import annotations

from datetime import timedelta

from bot.actions import ActionKind
from tests.helpers import build_core

LADDER = """
[strikes]
ladder = [
  { strikes = 3, within = "30d", sanction = "timeout", duration = "1d" },
  { strikes = 5, within = "90d", sanction = "ban" },
]
[[guidelines]]
id = "language"
title = { en = "Keep it clean", id = "Jaga bahasa" }
text = { en = "No swearing.", id = "Dilarang memaki." }
[[rules]]
name = "profanity"
type = "words"
guideline = "language"
params = { words = ["frak"] }
on_match = { delete = true, sanction = "warn" }
[[rules]]
name = "flood"
type = "flood"
guideline = "language"
params = { count = 3, within = "10s" }
on_match = { delete = true, sanction = "timeout", duration = "10m" }
"""


def kinds(calls: list) -> list[str]:  # type: ignore[type-arg]
    return [str(a.kind) for a in calls]


async def test_the_third_strike_times_the_member_out_and_says_why(store: str) -> None:
    core = await build_core(store, LADDER)
    for _ in range(2):
        await core.say("frak this", author="bob")
        core.clock.advance(minutes=5)
    assert ActionKind.TIMEOUT not in [a.kind for a in core.fake.calls]
    decision = await core.say("frak this", author="bob")
    assert decision.label == "warn"  # the rule's own outcome; the ladder adds the timeout
    timeout = core.fake.calls[-1]
    assert timeout.kind is ActionKind.TIMEOUT
    assert timeout.until is not None and timeout.until - core.clock() == timedelta(days=1)
    notice = core.fake.calls[-2].reason
    assert "3 strikes within 30 days" in notice
    await core.close()


async def test_old_strikes_stop_counting(store: str) -> None:
    core = await build_core(store, LADDER)
    await core.say("frak", author="bob")
    await core.say("frak!", author="bob")
    core.clock.advance(days=31)
    await core.say("frak again", author="bob")
    assert ActionKind.TIMEOUT not in [a.kind for a in core.fake.calls]
    await core.close()


async def test_a_pardoned_strike_no_longer_counts(store: str) -> None:
    core = await build_core(store, LADDER)
    await core.say("frak", author="bob")
    core.clock.advance(minutes=1)
    await core.say("frak!", author="bob")
    mod = core.fake.member("maya", moderator=True)
    answer = await core.command(mod, "pardon", case="1")
    assert answer.text == "Pardoned the strike of case #1; bob has 1 active strike(s) now."
    again = await core.command(mod, "pardon", case="1")
    assert again.text == "Case #1 has no active strike to pardon."
    core.clock.advance(minutes=1)
    await core.say("frak!!", author="bob")
    assert ActionKind.TIMEOUT not in [a.kind for a in core.fake.calls]
    await core.close()


async def test_manual_warns_and_automatic_hits_climb_the_same_ladder(store: str) -> None:
    core = await build_core(store, LADDER)
    mod = core.fake.member("maya", moderator=True)
    bob = core.fake.member("bob")
    await core.command(mod, "warn", bob, reason="rude in #general")
    await core.say("frak", author="bob")
    answer = await core.command(mod, "warn", bob, reason="again")
    assert answer.text.startswith("Timed out bob for 1 day")
    assert core.fake.calls[-1].kind is ActionKind.TIMEOUT
    await core.close()


async def test_once_a_moderator_lifts_a_timeout_the_next_offence_counts_again(
    store: str,
) -> None:
    core = await build_core(store, LADDER)
    for text in ("one", "two", "three"):
        await core.say(text, author="bob")
    assert kinds(core.fake.calls)[-1] == "timeout"
    mod = core.fake.member("maya", moderator=True)
    lifted = await core.command(mod, "untimeout", core.fake.member("bob"))
    assert lifted.text == "Lifted the timeout of bob (case #2)."  # the flood was case #1
    core.clock.advance(seconds=1)
    await core.say("frak", author="bob")
    history = await core.command(mod, "history", core.fake.member("bob"))
    assert history.text.splitlines()[0].endswith("2 active strike(s).")
    await core.close()


async def test_a_timed_out_member_is_not_punished_again_for_what_the_timeout_caused(
    store: str,
) -> None:
    core = await build_core(store, LADDER)
    for text in ("one", "two", "three"):
        await core.say(text, author="bob")
    assert kinds(core.fake.calls) == ["delete", "warn", "timeout"]
    # messages already in flight when the timeout landed: removed, not punished again
    core.clock.advance(seconds=1)
    await core.say("four", author="bob")
    await core.say("frak five", author="bob")
    later = kinds(core.fake.calls)[3:]
    assert later == ["delete", "warn", "delete", "warn"]
    mod = core.fake.member("maya", moderator=True)
    history = await core.command(mod, "history", core.fake.member("bob"))
    assert history.text.splitlines()[0] == "bob: 3 case(s), 1 active strike(s)."  # the flood's own
    await core.close()
