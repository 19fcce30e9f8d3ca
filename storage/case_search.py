"""The dashboard's audit log search: every filter as a bound parameter, newest first, keyset
pages (a page starts after the last case of the previous one, so deep pages stay fast)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select

from storage.db import Database
from storage.models import ActionRow, CaseRow, HitRow
from storage.models_community import AmendmentRow, EscalationRow, StrikeRow

MAX_PAGE = 500
MAX_EXPORT = 50_000
CHOICES_TTL = 60.0


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """What the list page asks for. Empty strings and None mean "any"."""

    community: str = ""
    platform: str = ""
    member: str = ""
    """A user id or a display name, exactly."""
    rule: str = ""
    guideline: str = ""
    action: str = ""
    """An action kind (delete, warn, ...), a decision word, or `escalate`."""
    origin: str = ""
    """`auto` (the bot decided) or `human` (a moderator's command, vote or platform action)."""
    overturned: bool | None = None
    """A human dismissed the case's escalation, or pardoned its strike."""
    since: datetime | None = None
    until: datetime | None = None
    text: str = ""
    """Free text, case-insensitive, over excerpts and rule evidence."""


def like_pattern(text: str) -> str:
    """`text` as a LIKE pattern matching it anywhere, with LIKE's wildcards escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def overturned_clause() -> ColumnElement[bool]:
    """Cases a human reversed: few, so they are listed once rather than probed per case."""
    dismissed = select(EscalationRow.case_id).where(
        EscalationRow.case_id.is_not(None),
        EscalationRow.status == "decided",
        EscalationRow.verdict == "dismiss",
    )
    pardoned = select(StrikeRow.case_id).where(StrikeRow.pardoned_at.is_not(None))
    return CaseRow.id.in_(dismissed.union(pardoned))


def _has_hit(column: Any, value: str) -> ColumnElement[bool]:
    """Probed per case in the list's order, so a common value stops after one page."""
    return exists().where(HitRow.case_id == CaseRow.id, column == value)


def where(q: CaseQuery) -> list[ColumnElement[bool]]:
    """The WHERE terms of a query: each compares a column with a bound value."""
    terms: list[ColumnElement[bool]] = []
    if q.community:
        terms.append(CaseRow.community_id == q.community)
    if q.platform:
        terms.append(CaseRow.platform == q.platform)
    if q.member:
        terms.append(or_(CaseRow.user_id == q.member, CaseRow.user_name == q.member))
    if q.rule:
        terms.append(_has_hit(HitRow.rule, q.rule))
    if q.guideline:
        terms.append(_has_hit(HitRow.guideline, q.guideline))
    if q.action == "escalate":
        terms.append(CaseRow.escalate.is_(True))
    elif q.action:
        kinds = exists().where(ActionRow.case_id == CaseRow.id, ActionRow.kind == q.action)
        terms.append(or_(CaseRow.decision == q.action, kinds))
    if q.origin == "auto":
        terms.append(CaseRow.actor == "auto")
    elif q.origin == "human":
        terms.append(CaseRow.actor != "auto")
    if q.overturned is not None:
        clause = overturned_clause()
        terms.append(clause if q.overturned else ~clause)
    if q.since is not None:
        terms.append(CaseRow.created_at >= q.since)
    if q.until is not None:
        terms.append(CaseRow.created_at < q.until)
    if q.text:
        pattern = like_pattern(q.text)
        evidence = exists().where(
            HitRow.case_id == CaseRow.id, HitRow.evidence.ilike(pattern, escape="\\")
        )
        terms.append(or_(CaseRow.excerpt.ilike(pattern, escape="\\"), evidence))
    return terms


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(CaseRow.created_at.desc(), CaseRow.id.desc())


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[dict[str, Any]]
    """Case rows as mappings, each with `rules` (sorted rule names) added."""
    next_after: int | None
    """The row id to continue after, when there are more."""


class CaseSearch:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._choices: tuple[float, dict[str, list[str]]] | None = None

    async def page(self, q: CaseQuery, after: int | None = None, size: int = 50) -> Page:
        """One page of matching cases, newest first, starting after case row `after`."""
        size = max(1, min(size, MAX_PAGE))
        query = select(CaseRow).where(*where(q))
        async with self.db.read() as conn:
            if after is not None:
                at = await conn.scalar(select(CaseRow.created_at).where(CaseRow.id == after))
                if at is not None:
                    query = query.where(
                        or_(
                            CaseRow.created_at < at,
                            and_(CaseRow.created_at == at, CaseRow.id < after),
                        )
                    )
            rows = [
                dict(r._mapping) for r in await conn.execute(_newest_first(query).limit(size + 1))
            ]
            more = len(rows) > size
            rows = rows[:size]
            await self._add_rules(conn, rows)
        return Page(rows, rows[-1]["id"] if more and rows else None)

    async def ids(self, q: CaseQuery, limit: int = MAX_EXPORT) -> list[int]:
        """The ids of every matching case, newest first (at most `limit`)."""
        async with self.db.read() as conn:
            rows = await conn.execute(
                _newest_first(select(CaseRow.id).where(*where(q))).limit(limit)
            )
            return [r[0] for r in rows]

    async def export_rows(self, q: CaseQuery, limit: int = MAX_EXPORT) -> list[dict[str, Any]]:
        """Matching cases oldest first, each with its hits and actions (for CSV or JSONL)."""
        async with self.db.read() as conn:
            query = _newest_first(select(CaseRow).where(*where(q))).limit(limit)
            rows = [dict(r._mapping) for r in await conn.execute(query)]
            rows.reverse()
            ids = [r["id"] for r in rows]
            hits: dict[int, list[Any]] = {}
            actions: dict[int, list[Any]] = {}
            for chunk in range(0, len(ids), 500):
                part = ids[chunk : chunk + 500]
                for h in await conn.execute(
                    select(HitRow).where(HitRow.case_id.in_(part)).order_by(HitRow.id)
                ):
                    hits.setdefault(h.case_id, []).append(h)
                for a in await conn.execute(
                    select(ActionRow).where(ActionRow.case_id.in_(part)).order_by(ActionRow.seq)
                ):
                    actions.setdefault(a.case_id, []).append(a)
        for row in rows:
            found = hits.get(row["id"], [])
            row["rules"] = sorted({h.rule for h in found})
            row["guidelines"] = sorted({h.guideline for h in found})
            row["reasons"] = [h.reason for h in found]
            row["actions"] = [f"{a.kind}:{a.status}" for a in actions.get(row["id"], [])]
        return rows

    async def extras(self, case_id: int) -> dict[str, Any]:
        """What the case page adds to the case: amendments, escalations and strikes."""
        async with self.db.read() as conn:
            amendments = await conn.execute(
                select(AmendmentRow)
                .where(AmendmentRow.case_id == case_id)
                .order_by(AmendmentRow.id)
            )
            escalations = await conn.execute(
                select(EscalationRow).where(EscalationRow.case_id == case_id)
            )
            strikes = await conn.execute(select(StrikeRow).where(StrikeRow.case_id == case_id))
            return {
                "amendments": [dict(r._mapping) for r in amendments],
                "escalations": [dict(r._mapping) for r in escalations],
                "strikes": [dict(r._mapping) for r in strikes],
            }

    async def choices(self) -> dict[str, list[str]]:
        """Values the filters offer: communities, platforms and rules on record. Reading them
        walks whole indexes, so the answer is kept for CHOICES_TTL seconds."""
        now = time.monotonic()
        if self._choices is not None and now - self._choices[0] < CHOICES_TTL:
            return self._choices[1]
        found = await self._read_choices()
        self._choices = (now, found)
        return found

    async def _read_choices(self) -> dict[str, list[str]]:
        async with self.db.read() as conn:

            async def distinct(column: Any) -> list[str]:
                return sorted(v for (v,) in await conn.execute(select(column).distinct()) if v)

            return {
                "communities": await distinct(CaseRow.community_id),
                "platforms": await distinct(CaseRow.platform),
                "rules": await distinct(HitRow.rule),
            }

    @staticmethod
    async def _add_rules(conn: Any, rows: list[dict[str, Any]]) -> None:
        ids = [r["id"] for r in rows]
        found: dict[int, set[str]] = {}
        if ids:
            result = await conn.execute(
                select(HitRow.case_id, HitRow.rule).where(HitRow.case_id.in_(ids))
            )
            for case_id, rule in result:
                found.setdefault(case_id, set()).add(rule)
        for row in rows:
            row["rules"] = sorted(found.get(row["id"], ()))

    async def case_row(self, case_id: int) -> dict[str, Any] | None:
        async with self.db.read() as conn:
            row = (await conn.execute(select(CaseRow).where(CaseRow.id == case_id))).first()
        return dict(row._mapping) if row is not None else None
