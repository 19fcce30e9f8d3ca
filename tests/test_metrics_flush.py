"""A busy community's health counts are written in pieces, and a flush that fails part way
neither loses nor doubles a message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.metrics import CHUNK, Metrics
from storage.db import Database
from storage.models_metrics import ActivityRow, CounterRow, QuestionRow

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
MEMBERS = 2 * CHUNK + CHUNK // 2  # three transactions' worth of members


async def _totals(db: Database) -> tuple[int, int, int, int]:
    async with db.read() as conn:
        rows = await conn.scalar(select(func.count()).select_from(ActivityRow))
        messages = await conn.scalar(select(func.sum(ActivityRow.messages)))
        scored = await conn.scalar(select(func.sum(CounterRow.value)))
        answered = await conn.scalar(select(func.count()).where(QuestionRow.answered_by == "faq"))
    return int(rows or 0), int(messages or 0), int(scored or 0), int(answered or 0)


async def _count(metrics: Metrics) -> None:
    for n in range(MEMBERS):
        for _ in range(1 + n % 3):
            metrics.message("c1", "fake", f"u{n}", NOW)
    for _ in range(7):
        metrics.count("c1", "fake", NOW, "scored")
    await metrics.asked("c1", "fake", "chat", "q1", NOW)
    await metrics.answered("fake", "chat", "q1", "faq", NOW)


MESSAGES = sum(1 + n % 3 for n in range(MEMBERS))


async def test_a_large_flush_is_written_a_chunk_at_a_time(tmp_path: Path) -> None:
    async with Database(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}") as db:
        await db.migrate()
        metrics = Metrics(db, lambda: NOW)
        transactions: list[int] = []
        real = db.transact

        async def watched(fn: Callable[..., Any], *args: Any) -> Any:
            transactions.append(sum(len(part) for part in args))
            return await real(fn, *args)

        db.transact = watched  # type: ignore[method-assign]
        await _count(metrics)
        await metrics.flush()
        assert len(transactions) == 3
        assert max(transactions) <= CHUNK
        # Every member's count, the counter, and the question answered in the same flush.
        assert await _totals(db) == (MEMBERS, MESSAGES, 7, 1)


async def test_a_flush_that_fails_part_way_loses_and_doubles_nothing(tmp_path: Path) -> None:
    async with Database(f"sqlite+aiosqlite:///{tmp_path / 'm.db'}") as db:
        await db.migrate()
        metrics = Metrics(db, lambda: NOW)
        real = db.transact
        calls = 0

        async def second_fails(fn: Callable[..., Any], *args: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls == 2:
                raise OSError("disk I/O error")
            return await real(fn, *args)

        db.transact = second_fails  # type: ignore[method-assign]
        await _count(metrics)
        try:
            await metrics.flush()
        except OSError:
            pass
        else:
            raise AssertionError("the failed transaction was not reported")
        written = await _totals(db)
        assert 0 < written[1] < MESSAGES  # the first part is in, the rest is not
        metrics.message("c1", "fake", "u0", NOW)  # counted meanwhile
        await metrics.flush()
        assert await _totals(db) == (MEMBERS, MESSAGES + 1, 7, 1)
