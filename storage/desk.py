"""Read models for the dashboard's desk: decided escalations, and a case by its origin."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.db import Database
from storage.escalations import OPEN, Escalation, _escalation
from storage.models import CaseRow
from storage.models_community import EscalationRow


class DeskQueries:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def closed_escalations(self, limit: int = 50) -> list[Escalation]:
        """Decided and expired escalations, the most recently closed first."""
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(EscalationRow)
                .where(EscalationRow.status != OPEN)
                .order_by(EscalationRow.decided_at.desc(), EscalationRow.id.desc())
                .limit(limit)
            )
            return [_escalation(r) for r in rows]

    async def case_by_origin(self, origin_key: str) -> dict[str, Any] | None:
        async with self.db.read() as conn:
            row = (
                await conn.execute(select(CaseRow).where(CaseRow.origin_key == origin_key))
            ).first()
        return dict(row._mapping) if row is not None else None

    async def recent_cases(self, community: str, limit: int = 10) -> list[dict[str, Any]]:
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(CaseRow)
                .where(CaseRow.community_id == community)
                .order_by(CaseRow.created_at.desc(), CaseRow.id.desc())
                .limit(limit)
            )
            return [dict(r._mapping) for r in rows]
