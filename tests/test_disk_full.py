"""The real bot on a disk that fills up, at 50 points: it never acts without the case on
disk, keeps judging while writes fail, and when space is back writes and applies every
decision once, on a whole database.

The disk fills at the K-th write statement from now, K = 1..50, so the failure lands at a
different write each time: inside a case, between a case and its actions, on the result of
an action; from then on every write fails as SQLite fails it on a full disk (SQLITE_FULL,
"database or disk is full", raised where the driver would raise it) until space is back.
tests/test_powerloss.py fails real writes inside SQLite the same way (a VFS).
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tests.helpers import build_core

POLICY = """
[model]
backend = "none"
[strikes]
ladder = []
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
"""
POINTS = 50
WRITES = ("INSERT", "UPDATE", "DELETE")


class Disk:
    """Counts write statements; from the `full_at`-th on, fails them as a full disk does."""

    def __init__(self) -> None:
        self.writes = 0
        self.full_at: int | None = None

    def fill_at(self, k: int) -> None:
        self.writes, self.full_at = 0, k

    def before_execute(
        self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any
    ) -> None:
        if not statement.lstrip().upper().startswith(WRITES):
            return
        self.writes += 1
        if self.full_at is not None and self.writes >= self.full_at:
            full = sqlite3.OperationalError("database or disk is full")
            raise OperationalError(statement, params, full)


def on_disk(path: Path, sql: str) -> list[Any]:
    with sqlite3.connect(path, timeout=10) as conn:
        return [r[0] for r in conn.execute(sql)]


async def test_a_disk_filling_up_at_fifty_points_never_makes_the_bot_act_unrecorded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "audit.db"
    core = await build_core(path, POLICY)
    disk = Disk()
    for engine in core.db.sync_engines():
        event.listen(engine, "before_cursor_execute", disk.before_execute)

    backlog = core.services.backlog
    unrecorded = responsive = whole = 0
    sent = 0
    for k in range(1, POINTS + 1):
        disk.fill_at(k)
        judged, before = 0, sent
        for _ in range(30):
            sent += 1
            decision = await core.say(f"frak {sent}", author=f"member{sent % 13}")
            judged += decision is not None and decision.label == "warn"
            if len(backlog):
                break
        assert len(backlog), f"the disk never filled at K={k}"
        for _ in range(3):  # the bot goes on judging while the disk is full
            sent += 1
            decision = await core.say(f"frak {sent}", author=f"member{sent % 13}")
            judged += decision is not None and decision.label == "warn"
        on_record = set(on_disk(path, "SELECT key FROM actions"))
        unrecorded += len({a.key for a in core.fake.calls} - on_record)
        disk.full_at = None  # space is back
        await backlog.drain()
        await core.executor.reconcile()
        responsive += judged == sent - before and not len(backlog)  # each one judged
        whole += on_disk(path, "PRAGMA integrity_check") == ["ok"]
    cases = on_disk(path, "SELECT count(*) FROM cases")[0]
    pending = on_disk(path, "SELECT count(*) FROM actions WHERE status = 'pending'")[0]
    applied = Counter(a.key for a in core.fake.calls)
    print(
        f"\n[disk full] {POINTS} fault points, {sent} violations: actions taken without their "
        f"case on disk {unrecorded}; cases {cases}; "
        f"doubled {sum(n > 1 for n in applied.values())}; "
        f"pending after space came back {pending}; backlog written {backlog.written}, "
        f"dropped {backlog.dropped}; every message judged {responsive}/{POINTS}; "
        f"integrity_check ok {whole}/{POINTS}"
    )
    assert unrecorded == 0 and cases == sent and pending == 0 and whole == POINTS
    assert max(applied.values()) == 1 and len(applied) == 2 * sent
    assert responsive == POINTS
    await core.close()
