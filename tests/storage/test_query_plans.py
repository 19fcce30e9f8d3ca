"""The questions the bot asks on every sanction are answered from an index, whatever the size
of the log (SQLite's own query plans for the statements the code runs)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Executable
from sqlalchemy.dialects import sqlite

from storage import numbers, people
from storage.db import Database


def plan(path: Path, statement: Executable) -> str:
    compiled = statement.compile(dialect=sqlite.dialect())
    with sqlite3.connect(path) as conn:
        params = ["x"] * len(compiled.positiontup or ())
        rows = conn.execute(f"EXPLAIN QUERY PLAN {compiled}", params).fetchall()
    return " | ".join(row[-1] for row in rows)


@pytest.fixture
async def migrated(tmp_path: Path) -> Path:
    path = tmp_path / "audit.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    await db.close()
    return path


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (people._standing(0), "ix_actions_member"),  # noqa: SLF001
        (people._standing(2), "ix_strikes_person"),  # noqa: SLF001
        (people._PERSON, "sqlite_autoindex_identities_1"),  # noqa: SLF001
        (people._strike_counts(1), "ix_strikes_person"),  # noqa: SLF001
        (numbers._LAST, "(community_id=? AND number>?)"),  # noqa: SLF001
    ],
    ids=["timeout-in-force", "standing", "person", "strikes", "last-case-number"],
)
def test_a_sanction_reads_through_an_index(
    migrated: Path, statement: Executable, expected: str
) -> None:
    found = plan(migrated, statement)
    scans = found.replace("SCAN CONSTANT ROW", "")  # a SELECT of subqueries reads no table
    assert "SCAN" not in scans and "INDEX" in found and expected in found, found
