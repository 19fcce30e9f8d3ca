"""SQLite through power cuts and failing disks, on the audit log's real schema and write path
(tests/durable_vfs.py): WAL + synchronous=FULL keeps every acknowledged case, NORMAL (the
control) does not; a write that fails at any of 50 points leaves a whole database, with
every acknowledged case in it and nothing half-written."""

from __future__ import annotations

import asyncio
import itertools
import random
import sqlite3
from pathlib import Path

import apsw
import pytest

from storage.db import Database
from tests.durable_vfs import DurableVFS, connect, record_case, start_from

CUTS = 20
FAULTS = 50
_names = itertools.count()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty audit log at the newest migration, closed (so fully on disk)."""
    path = tmp_path_factory.mktemp("template") / "audit.db"

    async def make() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await db.migrate()
        await db.close()

    asyncio.run(make())
    return path


def reopened(folder: Path) -> tuple[set[str], str]:
    """The origin keys in the database as it came back, and its integrity_check."""
    with sqlite3.connect(folder / "audit.db") as conn:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        try:
            keys = {r[0] for r in conn.execute("SELECT origin_key FROM cases")}
        except sqlite3.OperationalError:
            keys = set()  # not even the schema came back
        half = conn.execute(
            "SELECT count(*) FROM cases c WHERE (SELECT count(*) FROM actions a "
            "WHERE a.case_id = c.id) != 2"
        ).fetchone()[0]
    assert half == 0, "a case came back without its actions"
    return keys, check


def power_cuts(template: Path, tmp: Path, synchronous: str) -> tuple[int, int, int, int]:
    """CUTS power cuts after a random number of cases each (the same points for every
    mode): acknowledged cases, lost ones, cuts with a loss, integrity failures."""
    rng = random.Random(7)
    acked = lost = cuts_losing = broken = 0
    for cut in range(CUTS):
        vfs = DurableVFS(f"durable{next(_names)}")
        path = start_from(template, tmp / f"{synchronous}-{cut}" / "live", vfs)
        conn = connect(path, vfs, synchronous)
        acknowledged: list[str] = []
        for n in range(rng.randint(50, 500)):
            record_case(conn, n, acknowledged.append)
        came_back = tmp / f"{synchronous}-{cut}" / "after"
        vfs.cut_power(came_back)  # the live connection is abandoned, never closed
        keys, check = reopened(came_back)
        missing = len(set(acknowledged) - keys)
        acked += len(acknowledged)
        lost += missing
        cuts_losing += missing > 0
        broken += check != "ok"
        conn.close()
        vfs.unregister()
    return acked, lost, cuts_losing, broken


def test_wal_full_keeps_every_acknowledged_case_through_power_cuts_and_normal_does_not(
    template: Path, tmp_path: Path
) -> None:
    full = power_cuts(template, tmp_path, "FULL")
    normal = power_cuts(template, tmp_path, "NORMAL")
    for mode, (acked, lost, losing, broken) in (("FULL", full), ("NORMAL", normal)):
        print(
            f"\n[power loss, WAL+{mode}] {CUTS} cuts: acknowledged cases {acked}, lost {lost} "
            f"(cuts with a loss {losing}/{CUTS}); integrity_check ok {CUTS - broken}/{CUTS}"
        )
    assert full[1] == 0 and full[3] == 0  # the setting modbot uses
    assert normal[1] > 0 and normal[3] == 0  # the control: consistent, but not durable


@pytest.mark.parametrize("fault", [apsw.FullError, apsw.IOError], ids=["disk-full", "io-error"])
def test_a_write_failing_at_any_of_fifty_points_leaves_a_whole_log(
    template: Path, tmp_path: Path, fault: type[Exception]
) -> None:
    lost = broken = refused = 0
    for k in range(1, FAULTS + 1):
        vfs = DurableVFS(f"durable{next(_names)}")
        path = start_from(template, tmp_path / str(k), vfs)
        conn = connect(path, vfs, "FULL")
        vfs.writes, vfs.fail_at, vfs.fault = 0, k, fault
        acknowledged: list[str] = []
        try:
            for n in range(200):
                record_case(conn, n, acknowledged.append)
        except apsw.Error:
            refused += 1
        vfs.fail_at = None
        conn.close()
        keys, check = reopened(path.parent)
        lost += len(set(acknowledged) - keys)
        broken += check != "ok"
        assert keys <= set(acknowledged) | {f"auto:fake:c1:m{len(acknowledged)}"}
        vfs.unregister()
    print(
        f"\n[{fault.__name__}] {FAULTS} fault points: writes refused {refused}/{FAULTS}, "
        f"acknowledged cases lost {lost}, "
        f"integrity_check ok {FAULTS - broken}/{FAULTS}"
    )
    assert refused == FAULTS and lost == 0 and broken == 0
