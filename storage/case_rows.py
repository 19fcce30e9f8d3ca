"""A case's rows (the case, its hits, its strike, its actions) and the statements that write them.

SQLite writes them as four statements in the writer's thread. PostgreSQL writes them as ONE
statement (data-modifying CTEs, the hits and actions passed as arrays): each statement costs
the event loop a round trip to the server, and a case's round trips were the tail of the
decision latency under load.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, bindparam, column, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.elements import KeyedColumnElement

from storage.models import ActionRow, CaseRow, HitRow
from storage.models_community import StrikeRow

CASE_INSERT = (
    sqlite.insert(CaseRow)
    .on_conflict_do_nothing(index_elements=["origin_key"])
    .returning(CaseRow.id)
)
"""A case whose origin is recorded already is not written again (and no error rolls back the
group commit's batch: a burst of redelivered messages costs what new ones do). PostgreSQL's
`_PG_WRITE` does the same with ON CONFLICT."""
ACTIONS_INSERT = insert(ActionRow).returning(*ActionRow.__table__.c)
HITS_INSERT = insert(HitRow)
STRIKE_INSERT = insert(StrikeRow)

_CASE_COLUMNS = [c for c in CaseRow.__table__.c if c.name != "id"]
_HIT_COLUMNS = [c for c in HitRow.__table__.c if c.name not in ("id", "case_id")]
_ACTION_COLUMNS = [c for c in ActionRow.__table__.c if c.name not in ("id", "case_id")]
_PG = postgresql.dialect()  # type: ignore[no-untyped-call]


def _unnest(prefix: str, columns: list[KeyedColumnElement[Any]]) -> str:
    arrays = ", ".join(f"CAST(:{prefix}{c.name} AS {c.type.compile(_PG)}[])" for c in columns)
    return f"unnest({arrays}) AS {prefix}rows({_names(columns)})"


def _names(columns: list[KeyedColumnElement[Any]], prefix: str = "") -> str:
    return ", ".join(prefix + _PG.identifier_preparer.quote(c.name) for c in columns)


_PG_WRITE_SQL = f"""
WITH new_case AS (
    INSERT INTO cases ({_names(_CASE_COLUMNS)})
    VALUES ({", ".join(":" + c.name for c in _CASE_COLUMNS)})
    ON CONFLICT (origin_key) DO NOTHING
    RETURNING id
), new_hits AS (
    INSERT INTO case_hits (case_id, {_names(_HIT_COLUMNS)})
    SELECT new_case.id, {_names(_HIT_COLUMNS, "h_rows.")}
    FROM new_case, {_unnest("h_", _HIT_COLUMNS)}
), new_strike AS (
    INSERT INTO strikes (community_id, person_id, case_id, created_at)
    SELECT :community_id, :strike_person, new_case.id, :created_at
    FROM new_case WHERE :strike_person IS NOT NULL
), new_actions AS (
    INSERT INTO actions (case_id, {_names(_ACTION_COLUMNS)})
    SELECT new_case.id, {_names(_ACTION_COLUMNS, "a_rows.")}
    FROM new_case, {_unnest("a_", _ACTION_COLUMNS)}
    RETURNING {_names(list(ActionRow.__table__.c))}
)
SELECT new_case.id AS new_case_id, new_actions.*
FROM new_case LEFT JOIN new_actions ON true
"""  # noqa: S608 - built from our own models' column names, no input
_PG_WRITE = (
    text(_PG_WRITE_SQL)
    .bindparams(
        *(bindparam(c.name, type_=c.type) for c in _CASE_COLUMNS),
        bindparam("strike_person", type_=StrikeRow.person_id.type),
        *(bindparam(f"h_{c.name}", type_=postgresql.ARRAY(c.type)) for c in _HIT_COLUMNS),
        *(bindparam(f"a_{c.name}", type_=postgresql.ARRAY(c.type)) for c in _ACTION_COLUMNS),
    )
    .columns(column("new_case_id", Integer), *ActionRow.__table__.c)
)
"""The case, its hits, its strike and its actions in one statement. No row when the origin is
recorded already; else one row per action (one row of NULL actions when it has none)."""


def write_case(
    conn: Connection,
    case: dict[str, Any],
    hits: Sequence[dict[str, Any]],
    strike_person: str | None,
    actions: Sequence[dict[str, Any]],
) -> tuple[int, list[Row[Any]]] | None:
    """Insert the case with its hits, its strike (when `strike_person` is set) and its
    actions; return the new case's id and its action rows, or None when a case with the same
    origin key is recorded already (nothing is written then)."""
    if conn.dialect.name == "postgresql":
        params = {**case, "strike_person": strike_person}
        params.update({f"h_{c.name}": [hit[c.name] for hit in hits] for c in _HIT_COLUMNS})
        params.update({f"a_{c.name}": [a[c.name] for a in actions] for c in _ACTION_COLUMNS})
        found = list(conn.execute(_PG_WRITE, params))
        if not found:
            return None
        return found[0].new_case_id, [row for row in found if row.id is not None]
    case_id: int | None = conn.execute(CASE_INSERT, case).scalar_one_or_none()
    if case_id is None:
        return None
    if hits:
        conn.execute(HITS_INSERT, [{**hit, "case_id": case_id} for hit in hits])
    if strike_person is not None:
        strike = {
            "community_id": case["community_id"],
            "person_id": strike_person,
            "case_id": case_id,
            "created_at": case["created_at"],
        }
        conn.execute(STRIKE_INSERT, strike)
    rows = []
    if actions:
        rows = list(conn.execute(ACTIONS_INSERT, [{**a, "case_id": case_id} for a in actions]))
    return case_id, rows
