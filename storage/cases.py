"""Cases as moderators handle them: amend a reason (a new row, never an overwrite), history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, or_, select

from storage.audit import clean_text
from storage.db import Database
from storage.models import CaseRow, HitRow
from storage.models_community import AmendmentRow, StrikeRow


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case with its current reason (the newest amendment, else the original)."""

    id: int
    number: int
    community_id: str
    platform: str
    user_id: str
    user_name: str
    decision: str
    actor: str
    actor_name: str | None
    created_at: datetime
    rules: tuple[str, ...]
    reason: str
    amended_by: str | None
    strike_active: bool


class Cases:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def find(self, community: str, number: int) -> CaseView | None:
        found = await self._views(
            and_(CaseRow.community_id == community, CaseRow.number == number), 1
        )
        return found[0] if found else None

    async def history(
        self, community: str, accounts: list[tuple[str, str]], limit: int = 20
    ) -> list[CaseView]:
        """The cases of every listed (platform, user) account, newest first."""
        if not accounts:
            return []
        who = [and_(CaseRow.platform == p, CaseRow.user_id == u) for p, u in accounts]
        return await self._views(and_(CaseRow.community_id == community, or_(*who)), limit)

    async def amend(
        self, case_id: int, actor: str, actor_name: str, reason: str, at: datetime
    ) -> None:
        async with self.db.write() as conn:
            await conn.execute(
                insert(AmendmentRow).values(
                    case_id=case_id,
                    actor=actor,
                    actor_name=clean_text(actor_name, 200),
                    reason=clean_text(reason, 1000),
                    created_at=at,
                )
            )

    async def _views(self, where: object, limit: int) -> list[CaseView]:
        async with self.db.read() as conn:
            rows = (
                await conn.execute(
                    select(CaseRow)
                    .where(where)  # type: ignore[arg-type]
                    .order_by(CaseRow.created_at.desc(), CaseRow.id.desc())
                    .limit(limit)
                )
            ).all()
            views = []
            for row in rows:
                hits = (
                    await conn.execute(
                        select(HitRow.rule, HitRow.reason).where(HitRow.case_id == row.id)
                    )
                ).all()
                amended = (
                    await conn.execute(
                        select(AmendmentRow.reason, AmendmentRow.actor_name)
                        .where(AmendmentRow.case_id == row.id)
                        .order_by(AmendmentRow.id.desc())
                        .limit(1)
                    )
                ).first()
                strike = await conn.scalar(
                    select(StrikeRow.id).where(
                        StrikeRow.case_id == row.id, StrikeRow.pardoned_at.is_(None)
                    )
                )
                original = "; ".join(h.reason for h in hits) or (row.excerpt or "")
                views.append(
                    CaseView(
                        id=row.id,
                        number=row.number,
                        community_id=row.community_id,
                        platform=row.platform,
                        user_id=row.user_id,
                        user_name=row.user_name,
                        decision=row.decision,
                        actor=row.actor,
                        actor_name=row.actor_name,
                        created_at=row.created_at,
                        rules=tuple(sorted({h.rule for h in hits})),
                        reason=amended.reason if amended else original,
                        amended_by=amended.actor_name if amended else None,
                        strike_active=strike is not None,
                    )
                )
        return views
