"""An escalation remembers every place its notice was posted, whoever posted it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.actions import Posted
from storage.db import Database
from storage.escalations import EscalationDraft, EscalationStore

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def two(store: str):
    """Two processes' databases on one store (SQLite file, then PostgreSQL)."""
    first, second = Database(store), Database(store)
    await first.migrate()
    yield first, second
    await first.close()
    await second.close()


async def test_notices_posted_by_two_processes_at_once_are_all_remembered(
    two: tuple[Database, Database],
) -> None:
    """The Telegram process and the Discord process post the same escalation's notice in
    their moderator channels at once, ten times each: the escalation lists all twenty (an
    edit after the vote must reach every one), in each process's order."""
    telegram, discord = (EscalationStore(db) for db in two)
    draft = EscalationDraft(
        community_id="c1", origin_key="auto:m1", kind="grey", platform="telegram",
        chat_id="-100", channel_id="-100", message_id="m1", user_id="bob", user_name="Bob",
        user_rank=0, rules="toxicity", reason="borderline", excerpt="hm", options=["dismiss"],
        deadline=NOW + timedelta(hours=1), created_at=NOW,
    )  # fmt: skip
    escalation, created = await telegram.open(draft)
    assert created

    async def post(store: EscalationStore, platform: str) -> None:
        for n in range(10):
            await store.add_notices(escalation.id, [Posted(platform, "mods", f"{platform}{n}")])

    await asyncio.gather(post(telegram, "telegram"), post(discord, "discord"))
    found = await telegram.get(escalation.id)
    assert found is not None
    for platform in ("telegram", "discord"):
        ids = [p.message_id for p in found.notices if p.platform == platform]
        assert ids == [f"{platform}{n}" for n in range(10)]
