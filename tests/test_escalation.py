"""Hard calls reach humans: one notice, one winning vote, a fallback at the deadline (each
test on SQLite and on PostgreSQL)."""

from __future__ import annotations

import asyncio

from adapters.fake import FakeAdapter
from bot.actions import ActionKind
from bot.core import Core as BotCore
from bot.events import Vote
from bot.services import build_services
from storage.db import Database
from tests.helpers import Core, build_core

BOT = FakeAdapter().member("modbot", rank=60)

POLICY = """
[model]
backend = "double"
[escalation]
deadline = "1h"
verdicts = ["dismiss", "delete", "timeout:1h", "ban"]
fallback = "timeout:1h"
on_call = ["fake:owner"]
[[guidelines]]
id = "respect"
title = { en = "Respect everyone", id = "Hormati semua orang" }
text = { en = "Be kind.", id = "Bersikap baik." }
[[rules]]
name = "toxic"
type = "toxicity"
guideline = "respect"
params = { act_at = 0.9, escalate_at = 0.7 }
on_match = { delete = true, sanction = "warn" }
[[communities]]
id = "kopi"
platforms = { fake = ["c1"] }
moderator_channels = { fake = "mods" }
"""


async def grey(core: Core, author: str = "alice") -> int:
    """A grey-band message (the test double scores 'greymarker' 0.8): returns its escalation."""
    decision = await core.say("hmm greymarker", author=author)
    assert decision.label == "escalate"
    (esc,) = await core.services.escalations.store.open_ones()
    return esc.id


async def test_a_grey_band_message_reaches_the_moderators_with_a_button_per_verdict(
    store: str,
) -> None:
    core = await build_core(store, POLICY)
    number = await grey(core)
    (notice,) = core.fake.sent
    assert (
        notice.channel_id == "mods" and "alice" in notice.text and "hmm greymarker" in notice.text
    )
    assert [b.data for b in notice.buttons] == [
        f"esc:{number}:dismiss",
        f"esc:{number}:delete",
        f"esc:{number}:timeout:1h",
        f"esc:{number}:ban",
    ]
    assert all(len(b.data.encode()) <= 64 for b in notice.buttons)
    assert core.fake.calls == []  # nothing happens to the member before a human decides
    await core.close()


async def test_two_moderators_vote_at_once_one_wins_the_other_is_told(store: str) -> None:
    core = await build_core(store, POLICY)
    number = await grey(core)
    maya, niko = core.fake.member("maya", moderator=True), core.fake.member("niko", moderator=True)
    first, second = await asyncio.gather(
        core.core.on_vote(Vote(number, "ban", maya, core.clock(), BOT)),
        core.core.on_vote(Vote(number, "timeout:1h", niko, core.clock(), BOT)),
    )
    answers = sorted([first.text, second.text])
    assert any(a.startswith(f"Done: escalation #{number}") for a in answers)
    assert any("already handled by" in a for a in answers)
    kinds = [a.kind for a in core.fake.calls]
    assert kinds.count(ActionKind.DELETE) == 1
    assert (ActionKind.BAN in kinds) != (ActionKind.TIMEOUT in kinds)
    (edited, text) = core.fake.edits[-1]
    assert edited.channel_id == "mods" and "by maya" in text or "by niko" in text
    await core.close()


async def test_only_moderators_ranked_above_the_member_can_decide(store: str) -> None:
    core = await build_core(store, POLICY)
    number = await grey(core)
    member = core.fake.member("bob")
    refused = await core.core.on_vote(Vote(number, "ban", member, core.clock(), BOT))
    assert refused.text == "Only moderators can use /vote."
    low = core.fake.member("lowmod", moderator=True, rank=0)  # no higher than the author
    refused = await core.core.on_vote(Vote(number, "ban", low, core.clock(), BOT))
    assert "rank at or above you" in refused.text
    assert core.fake.calls == []
    await core.close()


async def test_a_passed_deadline_applies_the_fallback_once_and_pings_on_call_once(
    store: str,
) -> None:
    core = await build_core(store, POLICY)
    number = await grey(core)
    core.clock.advance(minutes=59)
    assert await core.services.escalations.expire_due() == 0
    core.clock.advance(minutes=2)
    assert await core.services.escalations.expire_due() == 1
    assert await core.services.escalations.expire_due() == 0
    kinds = [a.kind for a in core.fake.calls]
    assert kinds == [ActionKind.DELETE, ActionKind.WARN, ActionKind.TIMEOUT]
    pings = [r for r in core.fake.sent if r.ping]
    assert len(pings) == 1 and pings[0].ping == ("owner",) and f"#{number}" in pings[0].text
    late = await core.core.on_vote(
        Vote(number, "dismiss", core.fake.member("maya", moderator=True), core.clock(), BOT)
    )
    assert "already handled by fallback" in late.text
    await core.close()


async def test_an_open_escalation_survives_a_restart_and_its_buttons_still_work(
    store: str,
) -> None:
    path = store
    before = await build_core(path, POLICY)
    number = await grey(before)
    await before.close()

    after = await build_core(path, POLICY)
    (still,) = await after.services.escalations.store.open_ones()
    assert still.id == number and still.notices  # where the notice is, to edit it later
    answer = await after.core.on_vote(
        Vote(number, "delete", after.fake.member("maya", moderator=True), after.clock(), BOT)
    )
    assert answer.text.startswith(f"Done: escalation #{number}")
    assert [a.kind for a in after.fake.calls] == [ActionKind.DELETE, ActionKind.WARN]
    assert after.fake.edits and after.fake.edits[0][0] == still.notices[0]
    await after.close()


async def test_dismissing_a_rule_flag_counts_as_an_overturn_of_that_rule(store: str) -> None:
    core = await build_core(store, POLICY)
    number = await grey(core)
    await core.core.on_vote(
        Vote(number, "dismiss", core.fake.member("maya", moderator=True), core.clock(), BOT)
    )
    await core.services.metrics.flush()
    from sqlalchemy import text

    async with core.db.read() as conn:
        rows = (await conn.execute(text("SELECT name, key, value FROM counters"))).all()
    assert ("overturn", "toxic", 1) in [tuple(r) for r in rows]
    assert core.fake.calls == []
    await core.close()


async def test_votes_work_from_a_freshly_built_core_on_the_same_database(store: str) -> None:
    """Two processes share one database: a vote in the second sees the first's escalation."""
    first = await build_core(store, POLICY)
    number = await grey(first)
    db = Database(first.config.storage.resolved_url())
    services = build_services(first.config, db, {first.fake.platform: first.fake}, first.clock)
    other = BotCore(services)
    maya = first.fake.member("maya", moderator=True)
    niko = first.fake.member("niko", moderator=True)
    one, two = await asyncio.gather(
        first.core.on_vote(Vote(number, "delete", maya, first.clock(), BOT)),
        other.on_vote(Vote(number, "ban", niko, first.clock(), BOT)),
    )
    assert sum(r.text.startswith("Done") for r in (one, two)) == 1
    await db.close()
    await first.close()
