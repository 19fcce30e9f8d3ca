"""Message content expires after retention_days; a forgotten member leaves no name, id or
excerpt behind, and the community's counts do not change (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from storage.privacy import FORGOTTEN, forget, purge_content
from tests.storage.seed import EXCERPT, dump, seeded


def mentions(tables: dict[str, list[dict[str, Any]]], *needles: str) -> list[str]:
    """table.column of every field holding one of `needles`."""
    found = []
    for name, rows in tables.items():
        for row in rows:
            for column, value in row.items():
                if value is not None and any(n in str(value) for n in needles):
                    found.append(f"{name}.{column}")
    return sorted(set(found))


async def test_excerpts_older_than_retention_are_erased_and_decisions_kept(store: str) -> None:
    core = await seeded(store)
    before = await dump(core.db)
    assert mentions(before, "secret plan")  # the seed wrote content
    core.clock.advance(days=29)
    assert await purge_content(core.db, core.clock() - timedelta(days=30)) == 0
    core.clock.advance(days=2)
    erased = await purge_content(core.db, core.clock() - timedelta(days=30))
    after = await dump(core.db)
    left = mentions(after, "secret plan", "greymarker", "frak", "voice chat")
    print(f"\n[retention] {erased} rows lost their content; content fields left: {len(left)}")
    assert erased > 0 and left == []
    for table in ("cases", "actions", "strikes", "escalations", "reports", "activity_days"):
        assert len(after[table]) == len(before[table])  # every decision and count stays
    assert [c["decision"] for c in after["cases"]] == [c["decision"] for c in before["cases"]]
    await core.close()


async def test_a_forgotten_member_leaves_no_trace_and_the_counts_stay(store: str) -> None:
    core = await seeded(store)
    before = await dump(core.db)
    assert mentions(before, "bob") and mentions(before, EXCERPT)
    done = await forget(core.db, "fake", "bob", core.clock())
    after = await dump(core.db)
    left = mentions(after, "bob", EXCERPT, "secret plan", "fake:bob")
    print(
        f"\n[forget] {done.total} fields rewritten ({done.rows}); fields naming the member "
        f"or quoting them left: {len(left)} {left}"
    )
    assert left == []
    assert len(after["cases"]) == len(before["cases"]) + 1  # the forget case, tombstone only
    (event,) = [c for c in after["cases"] if c["decision"] == "forget"]
    assert event["user_id"] == done.tombstone and event["user_name"] == FORGOTTEN
    for table in ("actions", "strikes", "escalations", "reports", "joins"):
        assert len(after[table]) == len(before[table])
    messages = sum(r["messages"] for r in before["activity_days"])
    assert sum(r["messages"] for r in after["activity_days"]) == messages
    tombstoned = {r["person_id"] for r in after["strikes"]}
    assert tombstoned == {done.tombstone}  # bob's three strikes still count, anonymously
    carol = [r for r in after["activity_days"] if r["user_id"] == "carol"]
    assert carol  # nobody else was touched
    await core.close()
