"""A community with something in every table: cases, hits, actions, strikes, an escalation
with a report, a join, a question, daily counts. For the privacy and transfer tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from bot.events import Join, Report
from storage.db import Database
from tests.helpers import Core, build_core

POLICY = """
[model]
backend = "double"
[escalation]
deadline = "1h"
[strikes]
ladder = [{ strikes = 3, within = "30d", sanction = "timeout", duration = "1d" }]
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
name = "toxic"
type = "toxicity"
guideline = "language"
params = { act_at = 0.9, escalate_at = 0.7 }
on_match = { delete = true, sanction = "warn" }
[[communities]]
id = "kopi"
platforms = { fake = ["c1"] }
moderator_channels = { fake = "mods" }
"""
EXCERPT = "frak this secret plan"


async def seeded(url: str) -> Core:
    """The core on `url`, after bob swore three times, posted a grey-band message carol
    reported, joined, asked a question; counters flushed."""
    core = await build_core(url, POLICY)
    fake = core.fake
    await core.core.on_join(Join(fake.member("bob"), core.clock()))
    for n in range(3):
        await core.say(f"{EXCERPT} {n}", author="bob")
        core.clock.advance(minutes=1)
    grey = fake.message("hmm greymarker about my secret plan", author="bob", sent_at=core.clock())
    await core.core.on_message(grey)
    await core.core.on_report(Report(grey, fake.member("carol"), "rude", core.clock()))
    await core.say("how do I join the voice chat?", author="bob")
    await core.say("hello all", author="carol")
    await core.services.metrics.flush()
    return core


async def dump(db: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of every modbot table (but Alembic's), as dicts."""
    from storage.models import Base

    found = {}
    async with db.read() as conn:
        for name in sorted(Base.metadata.tables):
            rows = await conn.execute(text(f"SELECT * FROM {name}"))  # noqa: S608
            found[name] = [dict(r._mapping) for r in rows]
    return found
