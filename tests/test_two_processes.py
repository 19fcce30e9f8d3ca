"""Two modbot processes on one PostgreSQL database: one verdict per escalation, every pending
action applied exactly once, strikes and case numbers counted as if there were one process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.actions import Action, ActionKind, Decision, Hit, Sanction
from storage.action_queue import ActionQueue
from storage.audit import AuditLog, CaseDraft
from storage.db import Database
from tests.helpers import build_core
from tests.servers import PostgresCluster
from tests.test_escalation import POLICY

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SWEARING = """
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
"""


def run_processes(
    tmp: Path, url: str, config: str, now: datetime, jobs: list[dict[str, Any]]
) -> tuple[list[Any], list[list[str]]]:
    """Start one process per job, let them all begin at the same moment, and return each
    one's result and the action keys its platform applied, in order."""
    go = tmp / "go"
    children = []
    for n, job in enumerate(jobs):
        spec = {
            "url": url,
            "worker": f"p{n}",
            "config": config,
            "now": now.isoformat(),
            "calls": str(tmp / f"calls{n}.jsonl"),
            "ready": str(tmp / f"ready{n}"),
            "go": str(go),
            "out": str(tmp / f"out{n}.json"),
            **job,
        }
        (tmp / f"spec{n}.json").write_text(json.dumps(spec))
        children.append(
            subprocess.Popen(
                [sys.executable, "-m", "tests.process_child", str(tmp / f"spec{n}.json")],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
        )
    deadline = time.monotonic() + 90
    while not all((tmp / f"ready{n}").exists() for n in range(len(jobs))):
        assert all(c.poll() is None for c in children), "a process died while starting"
        assert time.monotonic() < deadline, "the processes did not start"
        time.sleep(0.02)
    go.touch()
    for child in children:
        assert child.wait(120) == 0
    results = [json.loads((tmp / f"out{n}.json").read_text()) for n in range(len(jobs))]
    calls = []
    for n in range(len(jobs)):
        path = tmp / f"calls{n}.jsonl"
        lines = path.read_text().splitlines() if path.exists() else []
        calls.append([json.loads(line)["key"] for line in lines])
    return results, calls


async def test_the_same_escalations_voted_in_two_processes_at_once_get_one_verdict_each(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    url = postgres.fresh_database()
    core = await build_core(url, POLICY)
    for n in range(8):
        await core.say("hmm greymarker", author=f"member{n}")
    ids = sorted(e.id for e in await core.services.escalations.store.open_ones())
    assert len(ids) == 8
    now = core.clock()
    await core.close()

    results, calls = run_processes(
        tmp_path,
        url,
        POLICY,
        now,
        [
            {"job": "vote", "votes": [[i, "ban", "maya"] for i in ids]},
            {"job": "vote", "votes": [[i, "timeout:1h", "niko"] for i in ids]},
        ],
    )
    for first, second in zip(*results, strict=True):
        assert sorted([first.startswith("Done"), second.startswith("Done")]) == [False, True]
        assert "already handled by" in (second if first.startswith("Done") else first)
    applied = Counter(key for keys in calls for key in keys)
    doubled = sum(1 for n in applied.values() if n > 1)
    db = Database(url)
    async with db.read() as conn:
        rows = (await conn.execute(text("SELECT id, status, verdict FROM escalations"))).all()
    await db.close()
    verdicts = {row.id: row.verdict for row in rows}
    assert {row.status for row in rows} == {"decided"}
    for esc in ids:
        mine = {key for key in applied if key.startswith(f"esc:{esc}:")}
        kind = "ban" if verdicts[esc] == "ban" else "timeout"
        assert mine - {f"esc:{esc}:warn"} == {f"esc:{esc}:delete", f"esc:{esc}:{kind}"}
    wins = Counter(v for v in verdicts.values())
    print(
        f"\n[two processes] {len(ids)} escalations voted in both at once: "
        f"{len(rows)} verdicts ({dict(wins)}), doubled actions {doubled}"
    )
    assert doubled == 0


async def test_a_thousand_pending_actions_reconciled_by_two_processes_are_each_applied_once(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    url = postgres.fresh_database()
    db = Database(url)
    audit = AuditLog(db, worker="crashed")
    decision = Decision(delete=True, sanction=Sanction.WARN, hits=(Hit("words", "g", "r"),))
    keys = []
    for n in range(500):
        draft = CaseDraft(
            "c", f"auto:m{n}", "fake", "c1", "general", f"m{n}", f"u{n}", f"U{n}", decision,
            "v1", NOW,
        )  # fmt: skip
        actions = [
            Action(kind, "fake", "c1", f"u{n}", "general", f"m{n}", None, "r", f"k{n}:{kind}")
            for kind in (ActionKind.DELETE, ActionKind.WARN)
        ]
        keys += [a.key for a in actions]
        await audit.record_case(draft, actions)
    # The process that recorded them died; its claims ran out a while ago.
    assert await ActionQueue(db, "crashed").release_own(NOW) == 1000
    await db.close()

    results, calls = run_processes(
        tmp_path, url, SWEARING, NOW + timedelta(minutes=1), [{"job": "reconcile"}] * 2
    )
    applied = Counter(key for keys_ in calls for key in keys_)
    doubled = sum(1 for n in applied.values() if n > 1)
    missing = len(set(keys) - set(applied))
    db = Database(url)
    async with db.read() as conn:
        left = await conn.scalar(text("SELECT count(*) FROM actions WHERE status = 'pending'"))
    await db.close()
    print(
        f"\n[two processes] 1000 pending actions reconciled: process 0 applied {len(calls[0])}, "
        f"process 1 applied {len(calls[1])}; doubled {doubled}, missing {missing}, "
        f"still pending {left}"
    )
    assert sorted(applied) == sorted(keys) and doubled == 0 and left == 0
    assert [r["tried"] for r in results] == [len(c) for c in calls]
    for own in calls:  # each case's delete went out before its warning
        order = {key: i for i, key in enumerate(own)}
        for key in own:
            if key.endswith(":warn"):
                assert order[key.replace(":warn", ":delete")] < order[key]


async def test_strikes_and_case_numbers_stay_right_when_two_processes_judge_at_once(
    postgres: PostgresCluster, tmp_path: Path
) -> None:
    url = postgres.fresh_database()
    jobs = [
        {
            "job": "say",
            "messages": [["bob", "frak this", f"p{p}-bob{n}"] for n in range(3)]
            + [[f"m{p}-{n}", "frak", f"p{p}-m{n}"] for n in range(30)],
        }
        for p in range(2)
    ]
    run_processes(tmp_path, url, SWEARING, NOW, jobs)
    db = Database(url)
    async with db.read() as conn:
        numbers = sorted((await conn.scalars(text("SELECT number FROM cases"))).all())
        strikes = await conn.scalar(
            text("SELECT count(*) FROM strikes WHERE person_id = 'fake:bob'")
        )
        timeouts = await conn.scalar(
            text("SELECT count(*) FROM actions WHERE user_id = 'bob' AND kind = 'timeout'")
        )
    await db.close()
    print(
        f"\n[two processes] 66 violations at once: case numbers {numbers[0]}..{numbers[-1]} "
        f"({len(set(numbers))} distinct), bob's strikes {strikes}, bob's timeouts {timeouts}"
    )
    assert numbers == list(range(1, 67))
    assert (strikes, timeouts) == (3, 1)
