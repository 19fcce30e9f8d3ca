"""Killed between recording and acting: the next start applies each action exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from adapters.fake import FakeAdapter
from bot.app import App
from tests.conftest import config_on

ROOT = Path(__file__).resolve().parent.parent
SLUR = "you absolute f4ggot"


def pending_actions(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            query = "SELECT count(*) FROM actions WHERE status = 'pending'"
            return int(conn.execute(query).fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the schema is not there yet


def calls(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [json.loads(line)["key"] for line in path.read_text().splitlines()]


async def run_once(db: Path, calls_file: Path, redeliver: bool) -> None:
    fake = FakeAdapter(calls_file=calls_file)
    app = asyncio.create_task(App(config_on(db), [fake]).run())
    await asyncio.wait_for(fake.ready.wait(), 10)
    await asyncio.sleep(0.2)  # let the start-up reconcile finish
    if redeliver:
        await fake.deliver(fake.message(SLUR, author="bob", message_id="m-crash"))
    fake.close()
    await asyncio.wait_for(app, 10)


def kill_after_recording(db: Path, calls_file: Path) -> None:
    """Start modbot on a platform that never finishes an action; SIGKILL it once the case and
    its actions are committed."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_child", str(db), str(calls_file), SLUR, "m-crash"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        deadline = time.monotonic() + 60
        while pending_actions(db) < 3:
            assert child.poll() is None, "the child exited before recording"
            assert time.monotonic() < deadline, "the child never recorded the case"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)


async def test_a_case_recorded_before_a_kill_is_applied_once_after_restart(tmp_path: Path) -> None:
    db, calls_file = tmp_path / "audit.db", tmp_path / "calls.jsonl"
    await asyncio.to_thread(kill_after_recording, db, calls_file)
    assert calls(calls_file) == []  # killed before any action completed

    await run_once(db, calls_file, redeliver=True)
    keys = calls(calls_file)
    assert sorted(keys) == sorted(
        f"auto:fake:c1:m-crash:{kind}" for kind in ("delete", "warn", "timeout")
    )
    assert keys[0].endswith(":delete")  # still in order: delete first

    await run_once(db, calls_file, redeliver=True)  # a second restart and redelivery: nothing new
    assert len(calls(calls_file)) == 3
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
        statuses = conn.execute("SELECT DISTINCT status FROM actions").fetchall()
    assert statuses == [("applied",)]
