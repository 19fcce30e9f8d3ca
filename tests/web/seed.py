"""The story the dashboard's tests read back, told through the real core: members chat over
three days, break rules, get reported and join; the model double puts some messages in the
grey band; a chat moderator decides one escalation. Returns what a reader should find."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.events import Join, Report
from tests.web.site import Site

COMMUNITY = """
[[communities]]
id = "kopi"
name = "Kopi"
platforms = { fake = ["c1"] }
moderator_channels = { fake = "mods" }
"""
DAYS = (
    datetime(2026, 10, 30, 10, 0, tzinfo=UTC),
    datetime(2026, 10, 31, 10, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 10, 0, tzinfo=UTC),
)


@dataclass
class Story:
    messages: Counter[str] = field(default_factory=Counter)
    """Messages delivered per day, as 'MM-DD'."""
    joins: Counter[str] = field(default_factory=Counter)
    escalations: dict[str, int] = field(default_factory=dict)
    """Open escalations by the member they are about (one each)."""
    decided: int = 0
    """The escalation a chat moderator dismissed."""


async def tell(site: Site) -> Story:
    story = Story()
    core, fake, clock = site.core, site.fake, site.clock

    async def say(author: str, text: str, **kwargs: object) -> object:
        story.messages[f"{clock():%m-%d}"] += 1
        clock.advance(minutes=3)
        return await fake.deliver(fake.message(text, author=author, sent_at=clock(), **kwargs))

    clock.now = DAYS[0]
    await say("alice", "hi everyone, how was the weekend?")
    await say("alice", "anyone around?")
    await say("bob", "you are a faggot")
    await say("erin", "join my server discord.gg/freestuff")
    await core.on_join(Join(fake.member("carol"), clock(), 10))
    story.joins[f"{clock():%m-%d}"] += 1

    clock.now = DAYS[1]
    await say("carol", "hello, glad to be here")
    for member in ("dave", "frank", "gina"):
        await say(member, f"hmm greymarker from {member}")
    await say("hana", "where are the rules?")
    reported = fake.message("buy followers cheap", author="ivan", sent_at=clock())
    story.messages[f"{clock():%m-%d}"] += 1
    await fake.deliver(reported)
    await core.on_report(Report(reported, fake.member("alice"), "spam", clock()))

    clock.now = DAYS[2]
    await say("bob", "f4ggot")
    await say("jon", "toxicmarker right here")
    await say("kim", "hmm greymarker from kim")
    for esc in await site.services.escalations.store.open_ones():
        story.escalations[esc.user_name] = esc.id
    story.decided = story.escalations.pop("kim")
    clock.advance(minutes=30)
    await site.chat_vote_async(story.decided, "dismiss", "chatmod")
    await site.services.metrics.flush()
    return story
