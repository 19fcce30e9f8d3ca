"""A community's log moves from SQLite to PostgreSQL row for row: nothing lost, nothing
changed, and the bot carries on there (new cases, votes on old escalations)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.events import Vote
from storage.audit import AuditLog
from storage.db import Database
from storage.transfer import TransferError, export_lines, import_lines
from tests.helpers import build_core
from tests.servers import PostgresCluster
from tests.storage.seed import POLICY, dump, seeded
from tests.storage.test_audit import draft

MOVED = (
    "cases", "case_hits", "actions", "strikes", "escalations", "reports", "activity_days",
    "joins", "questions", "counters",
)  # fmt: skip


async def exported(db: Database, community: str) -> list[str]:
    return [line async for line in export_lines(db, community)]


async def test_a_community_moves_from_sqlite_to_postgresql_without_loss(
    tmp_path: Path, postgres: PostgresCluster
) -> None:
    source = await seeded(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    lines = await exported(source.db, "kopi")
    before = await dump(source.db)
    await source.close()

    url = postgres.fresh_database()
    target = Database(url)
    await target.migrate()
    counts = await import_lines(target, lines)
    assert await exported(target, "kopi") == lines  # the same rows, the same typed values
    after = await dump(target)
    for table in MOVED:
        assert len(after[table]) == len(before[table]) == counts[table] > 0, table
    print(f"\n[transfer] SQLite -> PostgreSQL: {sum(counts.values())} rows, 0 differences")
    with pytest.raises(TransferError, match="already has"):
        await import_lines(target, lines)
    await target.close()

    moved = await build_core(url, POLICY)
    await moved.say("frak again", author="dave")  # new ids follow the imported ones
    last = max(row["number"] for row in before["cases"] if row["community_id"] == "kopi")
    recorded = await AuditLog(moved.db).record_case(draft("after-the-move", "kopi"), [])
    assert recorded.number == last + 1  # case numbers follow the imported ones
    esc, *_ = await moved.services.escalations.store.open_ones()
    mod = moved.fake.member("maya", moderator=True)
    answer = await moved.core.on_vote(Vote(esc.id, "dismiss", mod, moved.clock()))
    assert answer.text.startswith(f"Done: escalation #{esc.id}")
    await moved.close()


async def test_an_export_that_is_not_one_is_refused(store: str) -> None:
    db = Database(store)
    await db.migrate()
    with pytest.raises(TransferError, match="not a modbot export"):
        await import_lines(db, ['{"hello": 1}'])
    with pytest.raises(TransferError, match="empty"):
        await import_lines(db, [])
    await db.close()
