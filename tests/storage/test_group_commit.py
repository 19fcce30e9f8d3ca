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
