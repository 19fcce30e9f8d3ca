"""The audit log's read path: list, show and search cases. Parameters only, never SQL text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from storage.db import Database
from storage.models import ActionRow, CaseRow, HitRow

MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """What to look for. Every field is optional; `text` searches excerpts and evidence."""

    community: str | None = None
    user: str | None = None
    rule: str | None = None
    action: str | None = None
    since: datetime | None = None
    text: str | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class CaseSummary:
    community_id: str
    number: int
    created_at: datetime
    platform: str
    user_id: str
    user_name: str
    decision: str
    rules: tuple[str, ...]
    excerpt: str | None
    dry_run: bool


@dataclass(frozen=True, slots=True)
class CaseDetail:
    summary: CaseSummary
    case: dict[str, Any]
    hits: list[dict[str, Any]]
    actions: list[dict[str, Any]]


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(flt: CaseFilter) -> Select[Any]:
    query = select(CaseRow)
    if flt.community:
        query = query.where(CaseRow.community_id == flt.community)
    if flt.user:
        query = query.where((CaseRow.user_id == flt.user) | (CaseRow.user_name == flt.user))
    if flt.rule:
        query = query.where(CaseRow.id.in_(select(HitRow.case_id).where(HitRow.rule == flt.rule)))
    if flt.action == "escalate":
        query = query.where(CaseRow.escalate.is_(True))
    elif flt.action:
        kinds = select(ActionRow.case_id).where(ActionRow.kind == flt.action)
        query = query.where(CaseRow.id.in_(kinds) | (CaseRow.decision == flt.action))
    if flt.since:
        query = query.where(CaseRow.created_at >= flt.since)
    if flt.text:
        pattern = _like(flt.text)
        evidence = select(HitRow.case_id).where(HitRow.evidence.ilike(pattern, escape="\\"))
        query = query.where(CaseRow.excerpt.ilike(pattern, escape="\\") | CaseRow.id.in_(evidence))
    limit = max(1, min(flt.limit, MAX_LIMIT))
    return query.order_by(CaseRow.created_at.desc(), CaseRow.id.desc()).limit(limit)


class AuditQueries:
    """Read side of the audit log, for the CLI (and later the dashboard and slash commands)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def cases(self, flt: CaseFilter) -> list[CaseSummary]:
        """Matching cases, newest first."""
        async with self.db.read() as conn:
            rows = (await conn.execute(_filtered(flt))).all()
            rules = await self._rules(conn, [row.id for row in rows])
        return [self._summary(row, rules.get(row.id, ())) for row in rows]

    async def case(self, community: str, number: int) -> CaseDetail | None:
        """One case with its hits and actions, by community and case number."""
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(CaseRow).where(
                        CaseRow.community_id == community, CaseRow.number == number
                    )
                )
            ).first()
            if row is None:
                return None
            hits = (
                await conn.execute(
                    select(HitRow).where(HitRow.case_id == row.id).order_by(HitRow.id)
                )
            ).all()
            actions = (
                await conn.execute(
                    select(ActionRow).where(ActionRow.case_id == row.id).order_by(ActionRow.seq)
                )
            ).all()
        summary = self._summary(row, tuple(h.rule for h in hits))
        return CaseDetail(
            summary,
            dict(row._mapping),
            [dict(h._mapping) for h in hits],
            [dict(a._mapping) for a in actions],
        )

    async def communities(self) -> list[str]:
        async with self.db.read() as conn:
            rows = await conn.execute(select(CaseRow.community_id).distinct())
            return sorted(r[0] for r in rows)

    async def _rules(self, conn: Any, case_ids: list[int]) -> dict[int, tuple[str, ...]]:
        if not case_ids:
            return {}
        rows = await conn.execute(
            select(HitRow.case_id, HitRow.rule).where(HitRow.case_id.in_(case_ids))
        )
        found: dict[int, list[str]] = {}
        for case_id, rule in rows:
            found.setdefault(case_id, []).append(rule)
        return {k: tuple(sorted(set(v))) for k, v in found.items()}

    @staticmethod
    def _summary(row: Any, rules: tuple[str, ...]) -> CaseSummary:
        return CaseSummary(
            community_id=row.community_id,
            number=row.number,
            created_at=row.created_at,
            platform=row.platform,
            user_id=row.user_id,
            user_name=row.user_name,
            decision=row.decision,
            rules=rules,
            excerpt=row.excerpt,
            dry_run=row.dry_run,
        )
