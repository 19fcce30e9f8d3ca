"""The audit log keeps every case whole: one transaction, idempotent, durable settings."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

from bot.actions import Action, ActionKind, Decision, Hit, Sanction
from storage.action_queue import ActionQueue
from storage.audit import APPLIED, PENDING, AuditLog, CaseDraft, Prepared
from storage.db import MIGRATIONS, Database

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db(store: str):
    """The audit log on SQLite, then on PostgreSQL: every test here runs on both."""
    database = Database(store)
    await database.migrate()
    yield database
    await database.close()


def draft(key: str, community: str = "c1", excerpt: str = "you are a b1tch") -> CaseDraft:
    decision = Decision(
        delete=True,
        sanction=Sanction.WARN,
        hits=(Hit("profanity", "language", "listed word", 10, 15, "b1tch"),),
    )
    return CaseDraft(
        community_id=community,
        origin_key=f"auto:{key}",
        platform="fake",
        chat_id="chat",
        channel_id="general",
        message_id=key,
        user_id="bob",
        user_name="Bob",
        decision=decision,
        policy_version="v1",
        created_at=NOW,
        excerpt=excerpt,
    )


def actions(key: str) -> list[Action]:
    return [
        Action(kind, "fake", "chat", "bob", "general", key, None, "reason", f"auto:{key}:{kind}")
        for kind in (ActionKind.DELETE, ActionKind.WARN)
    ]


async def count(db: Database, table: str) -> int:
    async with db.read() as conn:
        return int(await conn.scalar(text(f"SELECT count(*) FROM {table}")))  # noqa: S608


async def test_the_sqlite_file_is_durable_wal_full_with_foreign_keys(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's pragmas; PostgreSQL keeps synchronous_commit on")
    async with db.read() as conn:
        mode = await conn.scalar(text("PRAGMA journal_mode"))
        sync = await conn.scalar(text("PRAGMA synchronous"))
        keys = await conn.scalar(text("PRAGMA foreign_keys"))
        timeout = await conn.scalar(text("PRAGMA busy_timeout"))
    assert (mode, sync, keys) == ("wal", 2, 1)
    assert timeout >= 1000


async def test_migrating_twice_changes_nothing(db: Database) -> None:
    await db.migrate()
    async with db.read() as conn:
        version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert version == head


async def test_a_case_is_written_with_its_hits_and_pending_actions(db: Database) -> None:
    recorded = await AuditLog(db).record_case(draft("m1"), actions("m1"))
    assert recorded.created and recorded.number == 1
    assert [a.status for a in recorded.actions] == [PENDING, PENDING]
    assert [a.action.kind for a in recorded.actions] == [ActionKind.DELETE, ActionKind.WARN]
    assert (await count(db, "cases"), await count(db, "case_hits"), await count(db, "actions")) == (
        1,
        1,
        2,
    )


async def test_recording_the_same_message_twice_converges_on_one_case(db: Database) -> None:
    audit = AuditLog(db)
    first = await audit.record_case(draft("m1"), actions("m1"))
    again = await audit.record_case(draft("m1"), actions("m1"))
    assert not again.created
    assert (again.case_id, [a.id for a in again.actions]) == (
        first.case_id,
        [a.id for a in first.actions],
    )
    assert await count(db, "actions") == 2


async def test_a_burst_of_redelivered_messages_converges_without_undoing_new_cases(
    db: Database,
) -> None:
    """After a restart a platform redelivers what the bot already recorded, mixed with new
    messages: each redelivery comes back as its case, the new ones are written, and no write
    transaction fails and is rolled back (a batch holding a redelivery used to be undone and
    written again, and the redeliveries read back one by one: a burst of them took seconds)."""
    audit = AuditLog(db)
    first = await asyncio.gather(
        *(audit.record_case(draft(f"m{i}"), actions(f"m{i}")) for i in range(20))
    )
    rollbacks: list[object] = []
    for engine in db.sync_engines():
        event.listen(engine, "rollback", rollbacks.append)
    burst = await asyncio.gather(
        *(audit.record_case(draft(f"m{i}"), actions(f"m{i}")) for i in range(40))
    )
    assert [r.created for r in burst] == [False] * 20 + [True] * 20
    assert [r.case_id for r in burst[:20]] == [r.case_id for r in first]
    assert [[a.id for a in r.actions] for r in burst[:20]] == [
        [a.id for a in r.actions] for r in first
    ]
    assert await count(db, "cases") == 40
    assert rollbacks == []


async def test_a_failed_write_leaves_nothing_half_recorded(db: Database) -> None:
    audit = AuditLog(db)
    await audit.record_case(draft("m1"), actions("m1"))
    clash = actions("m1")  # same action keys under a different case: the insert must fail
    with pytest.raises(IntegrityError):
        await audit.record_case(draft("m2"), clash)
    assert (await count(db, "cases"), await count(db, "case_hits"), await count(db, "actions")) == (
        1,
        1,
        2,
    )


async def test_case_numbers_count_per_community_even_when_written_at_once(db: Database) -> None:
    audit = AuditLog(db)
    results = await asyncio.gather(
        *(audit.record_case(draft(f"a{i}", "alpha"), actions(f"a{i}")) for i in range(15)),
        *(audit.record_case(draft(f"b{i}", "beta"), actions(f"b{i}")) for i in range(5)),
    )
    alpha = sorted(r.number for r in results[:15])
    beta = sorted(r.number for r in results[15:])
    assert alpha == list(range(1, 16)) and beta == list(range(1, 6))


async def test_automatic_cases_get_their_numbers_even_when_nobody_reads_them_back(
    db: Database,
) -> None:
    """The bot's own cases skip reading their number back (nobody is told it), yet every
    committed case has its number: 1..N per community, never a provisional one."""
    audit = AuditLog(db)

    def prepared(key: str, community: str):  # type: ignore[no-untyped-def]
        return lambda _conn: Prepared(draft(key, community), actions(key), None)

    await asyncio.gather(
        *(audit.record_prepared(prepared(f"a{i}", "alpha"), numbered=False) for i in range(12)),
        *(audit.record_prepared(prepared(f"b{i}", "beta"), numbered=False) for i in range(4)),
    )
    async with db.read() as conn:
        rows = (await conn.execute(text("SELECT community_id, number FROM cases"))).all()
    numbers = {c: sorted(n for community, n in rows if community == c) for c in ("alpha", "beta")}
    assert numbers == {"alpha": list(range(1, 13)), "beta": list(range(1, 5))}


async def test_statuses_only_move_forward(db: Database) -> None:
    audit, queue = AuditLog(db), ActionQueue(db)
    recorded = await audit.record_case(draft("m1"), actions("m1"))
    first = recorded.actions[0]
    await queue.mark(first.id, APPLIED, NOW)
    await queue.mark(first.id, PENDING, NOW, "late transient error", timedelta(seconds=1))
    pending = await queue.pending(NOW + timedelta(days=1))
    assert [p.id for p in pending] == [recorded.actions[1].id]


async def test_transient_failures_wait_for_their_retry_time(db: Database) -> None:
    audit, queue = AuditLog(db), ActionQueue(db)
    recorded = await audit.record_case(draft("m1"), actions("m1")[:1])
    await queue.mark(recorded.actions[0].id, PENDING, NOW, "429", timedelta(seconds=30))
    assert await queue.pending(NOW + timedelta(seconds=29)) == []
    (due,) = await queue.pending(NOW + timedelta(seconds=30))
    assert due.attempts == 1


async def test_hostile_text_is_stored_without_losing_the_case(db: Database) -> None:
    hostile = "nul\x00 surrogate \ud800 rtl \u202e zalgo z\u0336\u0336"
    recorded = await AuditLog(db).record_case(draft("m1", excerpt=hostile), actions("m1"))
    async with db.read() as conn:
        stored = await conn.scalar(
            text("SELECT excerpt FROM cases WHERE id = :i"), {"i": recorded.case_id}
        )
    assert stored.startswith("nul\ufffd surrogate ?") and "\u202e" in stored


async def test_numbering_a_case_costs_the_same_however_long_the_log(postgres) -> None:  # noqa: ANN001
    """PostgreSQL numbers a case at COMMIT, under the community's lock: with 400 cases in
    the log (and statistics never gathered, as in a new database under load) numbering one
    more reads no case (a max(number) over the community read all 400, and a minute of
    sustained load fell behind as the log grew). The plans are PostgreSQL's own
    (auto_explain, sent to this connection)."""
    db = Database(postgres.fresh_database())
    await db.migrate()
    audit = AuditLog(db)
    try:
        await asyncio.gather(*(audit.record_case(draft(f"a{i}"), []) for i in range(400)))
        async with db.engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            plans: list[str] = []
            raw.add_log_listener(lambda _conn, message: plans.append(message.message))
            for setting in (
                "LOAD 'auto_explain'",
                "SET auto_explain.log_min_duration = 0",
                "SET auto_explain.log_nested_statements = on",
                "SET auto_explain.log_level = notice",
            ):
                await conn.execute(text(setting))
            plans.clear()
            await conn.run_sync(lambda sync: audit._insert(sync, draft("last"), [], PENDING))  # noqa: SLF001
            await conn.commit()
            written = list(plans)
            number = await conn.scalar(text("SELECT number FROM cases WHERE message_id = 'last'"))
        assert number == 401
        assert [p for p in written if "case_numbers" in p], "no counter was used"
        reads = [
            line
            for p in written
            for line in p.splitlines()
            if "Scan" in line and " on cases " in line
        ]
        assert reads and all("cases_pkey" in line for line in reads), reads
    finally:
        await db.close()
