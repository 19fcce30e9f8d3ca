"""FAQ entries: seeding the config's entries from many places at once leaves one entry."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.faqs import FaqEntryView, FaqStore
from storage.models_community import FaqRow

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
RULES = FaqEntryView("rules", (), ("where are the rules",), (), "Type /rules.", "Ketik /rules.")


@pytest.fixture
async def db(store: str) -> AsyncIterator[Database]:
    """On SQLite, then on PostgreSQL."""
    database = Database(store)
    await database.migrate()
    yield database
    await database.close()


async def test_twenty_seeders_at_once_leave_one_entry_and_no_error(db: Database) -> None:
    # Two processes (or the first messages of one) seed the config's FAQ at the same moment:
    # on PostgreSQL both read "missing" before either inserts. Seeding never overwrites.
    faqs = FaqStore(db)
    added = await asyncio.gather(
        *(faqs.save("c1", RULES, "config", NOW, replace=False) for _ in range(20))
    )
    assert added.count(True) == 1
    async with db.read() as conn:
        assert await conn.scalar(select(func.count()).select_from(FaqRow)) == 1


async def test_a_moderators_edit_from_two_places_at_once_keeps_one_entry(db: Database) -> None:
    faqs = FaqStore(db)
    edited = FaqEntryView("rules", ("rules",), (), (), "See #rules.", "Lihat #rules.")
    assert all(await asyncio.gather(*(faqs.save("c1", edited, "mod", NOW) for _ in range(10))))
    (entry,) = await faqs.entries("c1")
    assert entry.answer_en == "See #rules." and entry.keywords == ("rules",)
