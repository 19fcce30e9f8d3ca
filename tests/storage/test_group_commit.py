"""Write transactions that arrive together share a COMMIT, and still succeed or fail alone."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from storage.audit import AuditLog, Prepared
from storage.db import Database
from storage.people import person_held
from tests.storage.test_audit import actions, count, draft


@pytest.fixture
async def db(store: str):
    """SQLite, then PostgreSQL."""
    database = Database(store)
    await database.migrate()
    async with database.write() as conn:
        await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield database
    await database.close()


def _note(conn: Connection, n: int) -> int:
    conn.execute(text("INSERT INTO notes (id, body) VALUES (:n, 'kept')"), {"n": n})
    if n == 13:
        raise ValueError("note 13 is refused")
    return n


async def test_a_refused_write_among_many_at_once_fails_alone(db: Database) -> None:
    """Thirty writes at once, one of which raises after writing a row: its caller gets its
    error and its row is gone; the 29 others are committed and told so."""
    outcomes = await asyncio.gather(
        *(db.transact(_note, n) for n in range(30)), return_exceptions=True
    )
    assert isinstance(outcomes[13], ValueError)
    assert [o for n, o in enumerate(outcomes) if n != 13] == [n for n in range(30) if n != 13]
    async with db.read() as conn:
        kept = list((await conn.execute(text("SELECT id FROM notes ORDER BY id"))).scalars())
    assert kept == [n for n in range(30) if n != 13]


async def test_cases_of_two_members_at_once_never_wait_for_each_other(db: Database) -> None:
    """Two members' sanctions written all at once, interleaved, each holding the member's
    strike lock until COMMIT (on PostgreSQL): every case is written in the first try, and
    none is rolled back. (Batched by turns, one batch would hold Ann's lock and wait for
    Bob's while another held Bob's and waited for Ann's: a deadlock PostgreSQL breaks by
    failing one, a second later.)"""
    audit = AuditLog(db)
    rollbacks: list[object] = []
    for engine in db.sync_engines():
        event.listen(engine, "rollback", rollbacks.append)

    def prepare(key: str, user: str):  # type: ignore[no-untyped-def]
        def drafted(conn: Connection) -> Prepared[None]:
            person_held(conn, "c1", "fake", user, hold=True)
            return Prepared(replace(draft(key), user_id=user), actions(key), None)

        return drafted

    members = (["ann", "bob", "bob"] * 14)[:40]
    recorded = await asyncio.gather(
        *(
            audit.record_prepared(prepare(f"m{n}", user), member=("fake", user))
            for n, user in enumerate(members)
        )
    )
    assert all(r.created for r, _ in recorded)
    assert sorted(r.number for r, _ in recorded) == list(range(1, 41))
    assert await count(db, "cases") == 40
    assert rollbacks == []


def _notes(conn: Connection, rows: list[dict[str, object]]) -> int:
    conn.execute(text("INSERT INTO notes (id, body) VALUES (:id, :body)"), rows)
    if any(row["body"] == "refused" for row in rows):
        raise ValueError("a refused note")
    return len(rows)


async def test_merged_writes_at_once_are_one_statement_and_still_fail_alone(
    db: Database,
) -> None:
    """Forty merge writes at once (as the executor's results are written): fewer statements
    than writes reach the database, every row is kept, and the one write that raises gets
    its error alone, its rows gone, the others committed."""
    statements: list[str] = []
    for engine in db.sync_engines():
        event.listen(
            engine,
            "before_cursor_execute",
            lambda _c, _k, sql, *_: statements.append(sql) if "notes" in sql else None,
        )
    writes = [[{"id": 2 * n, "body": "kept"}, {"id": 2 * n + 1, "body": "kept"}] for n in range(40)]
    outcomes = await asyncio.gather(*(db.transact(_notes, rows, merge=True) for rows in writes))
    assert len(statements) < 40
    assert all(isinstance(o, int) and o >= 2 for o in outcomes)
    async with db.read() as conn:
        kept = list((await conn.execute(text("SELECT id FROM notes ORDER BY id"))).scalars())
    assert kept == list(range(80))

    writes = [[{"id": 100 + n, "body": "refused" if n == 7 else "kept"}] for n in range(20)]
    outcomes = await asyncio.gather(
        *(db.transact(_notes, rows, merge=True) for rows in writes), return_exceptions=True
    )
    assert isinstance(outcomes[7], ValueError)
    assert all(o == 1 for n, o in enumerate(outcomes) if n != 7)
    async with db.read() as conn:
        kept = list((await conn.execute(text("SELECT id FROM notes WHERE id >= 100"))).scalars())
    assert sorted(kept) == [100 + n for n in range(20) if n != 7]
