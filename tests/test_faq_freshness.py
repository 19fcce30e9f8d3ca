"""FAQ answers stay right when several processes share the database, and a burst of messages
right after a start reads the entries once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from tests.helpers import build_core


async def test_an_answer_changed_in_another_process_is_given_here_within_half_a_minute(
    tmp_path: Path,
) -> None:
    here = await build_core(tmp_path / "shared.db")
    there = await build_core(tmp_path / "shared.db")
    await here.say("where are the rules?", author="sari")
    assert here.fake.sent[-1].text == "Our guidelines are one command away: type /rules."

    mod = there.fake.member("maya", moderator=True)
    changed = await there.command(
        mod,
        "faq",
        action="add",
        name="rules",
        triggers="where are the rules",
        answer="Read the pinned message in #welcome.",
        answer_id="Baca pesan yang disematkan di #welcome.",
    )
    assert changed.text == "FAQ “rules” saved."

    # Past the per-chat cooldown, this process still answers from what it read ...
    here.clock.advance(seconds=20)
    here.services.faq._last.clear()  # noqa: SLF001 - the cooldown is not what is tested
    await here.say("where are the rules?", author="budi")
    assert here.fake.sent[-1].text == "Our guidelines are one command away: type /rules."
    # ... and half a minute after its read it has the moderators' new answer.
    here.clock.advance(seconds=15)
    here.services.faq._last.clear()  # noqa: SLF001
    await here.say("where are the rules?", author="dewi")
    assert here.fake.sent[-1].text == "Read the pinned message in #welcome."
    await here.close()
    await there.close()


async def test_a_burst_right_after_a_start_reads_the_entries_once_and_answers_once(
    tmp_path: Path,
) -> None:
    core = await build_core(tmp_path / "burst.db")
    reads = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM faqs" in statement:
            reads.append(statement)

    engines = core.db.sync_engines()
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    await asyncio.gather(
        *(core.say("where are the rules?", author=f"m{n}") for n in range(50)),
        *(core.say(f"hello everyone, day {n}", author=f"n{n}") for n in range(50)),
    )
    for engine in engines:
        event.remove(engine, "before_cursor_execute", count)
    answers = [m for m in core.fake.sent if "/rules" in m.text]
    assert len(answers) == 1  # one answer per entry per chat per cooldown
    # Seeding looks the one configured entry up once, then the entries are read once.
    assert len(reads) == 2, reads
    await core.close()


async def test_a_failed_read_is_tried_again_by_the_next_question(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "flaky.db")
    faq = core.services.faq
    store = faq.store
    real = store.entries
    failures = [OSError("database is down")]

    async def flaky(community: str) -> Any:
        if failures:
            raise failures.pop()
        return await real(community)

    store.entries = flaky  # type: ignore[method-assign]
    with pytest.raises(OSError):
        await core.say("where are the rules?", author="sari")
    await core.say("where are the rules?", author="budi")
    assert core.fake.sent[-1].text == "Our guidelines are one command away: type /rules."
    await core.close()
