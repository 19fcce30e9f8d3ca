"""Case numbers: per community, counting up from 1 without gaps or repeats, in every process.

SQLite writes one transaction at a time, so a case takes the next number when it is written.
PostgreSQL runs several writers at once: a case is written under a provisional number
(negative, never committed), and a deferred trigger gives it the next number inside COMMIT
(migration 0008) from the community's counter row (migration 0009: the same cost at any size
of the log), whose row lock serializes the community's cases to the end of the transaction,
never while the server waits for the client. The writer reads the number after the commit
(`given`).
"""

from __future__ import annotations

import secrets

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from storage.models import CaseRow

_LAST = select(func.max(CaseRow.number)).where(
    CaseRow.community_id == bindparam("community"), CaseRow.number > 0
)
_GIVEN = select(CaseRow.number).where(CaseRow.id == bindparam("case"))


def first(conn: Connection, community: str) -> int:
    """The number to write the case under: final on SQLite, provisional on PostgreSQL."""
    if conn.dialect.name == "postgresql":
        # Unique among the few uncommitted cases at any moment; a clash fails the insert,
        # which the audit log retries.
        return -1 - secrets.randbelow(2**31 - 2)
    return int(conn.scalar(_LAST, {"community": community}) or 0) + 1


def given(conn: Connection, case_id: int) -> int:
    """The number a committed case was given."""
    return int(conn.execute(_GIVEN, {"case": case_id}).scalar_one())
