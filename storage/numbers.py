"""Case numbers: per community, counting up from 1 without gaps or repeats, in every process.

SQLite writes one transaction at a time, so a case takes the next number when it is written.
PostgreSQL runs several writers at once: the next number is read under the community's
transaction lock, which is held until COMMIT. So that the lock is held for as little as
possible, a case is first written under a provisional number (negative, never seen by anyone:
it is replaced before the transaction commits), its hits, strike and actions after it, and
only then is the lock taken and the real number given (`settle`), in one round trip (the
function `modbot_number_case`, migration 0006).
"""

from __future__ import annotations

import secrets

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from storage.db import lock_id
from storage.models import CaseRow

_LAST = select(func.max(CaseRow.number)).where(
    CaseRow.community_id == bindparam("community"), CaseRow.number > 0
)


def first(conn: Connection, community: str) -> int:
    """The number to write the case under."""
    if _late(conn):
        # Unique among the few uncommitted cases at any moment; a clash fails the insert,
        # which the audit log retries.
        return -1 - secrets.randbelow(2**31 - 2)
    return _next(conn, community)


def settle(conn: Connection, community: str, case_id: int, number: int) -> int:
    """The case's real number, given as the transaction's last step where it is late."""
    if not _late(conn):
        return number
    key = lock_id(f"case-number:{community}")
    given = conn.execute(select(func.modbot_number_case(key, community, case_id))).scalar_one()
    return int(given)


def _late(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _next(conn: Connection, community: str) -> int:
    return int(conn.scalar(_LAST, {"community": community}) or 0) + 1
