"""Escalations in the database: opened once per origin, decided once (first vote wins)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, bindparam, cast, func, insert, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.actions import Posted
from storage.audit import clean_text
from storage.db import Database
from storage.models_community import EscalationRow, ReportRow
from storage.sql import insert_once

OPEN, DECIDED, EXPIRED = "open", "decided", "expired"


@dataclass(frozen=True, slots=True)
class EscalationDraft:
    community_id: str
    origin_key: str
    kind: str
    platform: str
    chat_id: str
    channel_id: str
    message_id: str | None
    user_id: str
    user_name: str
    user_rank: int
    rules: str
    reason: str
    excerpt: str | None
    options: list[str]
    deadline: datetime
    created_at: datetime
    case_id: int | None = None
    hidden: bool = False
    protected: bool = False


@dataclass(frozen=True, slots=True)
class Escalation:
    """An escalation as stored."""

    id: int
    community_id: str
    kind: str
    status: str
    case_id: int | None
    platform: str
    chat_id: str
    channel_id: str
    message_id: str | None
    user_id: str
    user_name: str
    user_rank: int
    rules: str
    reason: str
    excerpt: str | None
    options: list[str]
    reports: int
    hidden: bool
    protected: bool
    notices: list[Posted]
    deadline: datetime
    created_at: datetime
    verdict: str | None
    decided_by: str | None
    decided_by_name: str | None
    decided_at: datetime | None


def _escalation(row: Any) -> Escalation:
    values = dict(row._mapping)
    values.pop("origin_key")
    values["notices"] = [Posted(**n) for n in (values["notices"] or [])]
    return Escalation(**values)


class EscalationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(self, draft: EscalationDraft) -> tuple[Escalation, bool]:
        """Open an escalation, or return the one already opened for the same origin."""
        values = {k: getattr(draft, k) for k in draft.__slots__}
        values["user_name"] = clean_text(draft.user_name, 200)
        values["excerpt"] = clean_text(draft.excerpt) if draft.excerpt is not None else None
        values["reason"] = clean_text(draft.reason, 1000)
        try:
            return await self.db.transact(_insert, {**values, "notices": []}), True
        except IntegrityError:
            async with self.db.read() as conn:
                new_id = await conn.scalar(
                    select(EscalationRow.id).where(EscalationRow.origin_key == draft.origin_key)
                )
        found = await self.get(int(new_id or 0))
        assert found is not None
        return found, False

    async def get(self, escalation_id: int) -> Escalation | None:
        async with self.db.read() as conn:
            row = (
                await conn.execute(select(EscalationRow).where(EscalationRow.id == escalation_id))
            ).first()
        return _escalation(row) if row is not None else None

    async def decide(
        self, escalation_id: int, verdict: str, by: str, by_name: str, at: datetime, status: str
    ) -> bool:
        """Close an open escalation. Exactly one caller gets True, whatever the race."""
        async with self.db.write() as conn:
            done = await conn.execute(
                update(EscalationRow)
                .where(EscalationRow.id == escalation_id, EscalationRow.status == OPEN)
                .values(
                    status=status,
                    verdict=verdict,
                    decided_by=by,
                    decided_by_name=clean_text(by_name, 200),
                    decided_at=at,
                )
            )
        return done.rowcount == 1

    async def add_report(
        self, escalation_id: int, platform: str, reporter_id: str, reason: str, at: datetime
    ) -> int:
        """Count a member's report once (whichever process hears it first); returns how many
        distinct members reported."""
        async with self.db.write() as conn:
            report = {
                "escalation_id": escalation_id,
                "platform": platform,
                "reporter_id": reporter_id,
                "reason": clean_text(reason, 500),
                "created_at": at,
            }
            unique = ("escalation_id", "platform", "reporter_id")
            await conn.run_sync(insert_once, ReportRow, [report], unique)
            count = int(
                await conn.scalar(
                    select(func.count(ReportRow.id)).where(ReportRow.escalation_id == escalation_id)
                )
                or 0
            )
            await conn.execute(
                update(EscalationRow).where(EscalationRow.id == escalation_id).values(reports=count)
            )
        return count

    async def mark_hidden(self, escalation_id: int) -> bool:
        """Hide the message once; True for the caller that hid it."""
        async with self.db.write() as conn:
            done = await conn.execute(
                update(EscalationRow)
                .where(EscalationRow.id == escalation_id, EscalationRow.hidden.is_(False))
                .values(hidden=True)
            )
        return done.rowcount == 1

    async def add_notices(self, escalation_id: int, posted: Sequence[Posted]) -> None:
        """Remember where the escalation's notices were posted (to edit them later)."""
        notices = [{k: getattr(p, k) for k in p.__slots__} for p in posted]
        if notices:
            await self.db.transact(_add_notices, escalation_id, notices)

    async def open_ones(self, community: str | None = None) -> list[Escalation]:
        query = select(EscalationRow).where(EscalationRow.status == OPEN)
        if community is not None:
            query = query.where(EscalationRow.community_id == community)
        async with self.db.read() as conn:
            rows = await conn.execute(query.order_by(EscalationRow.deadline))
            return [_escalation(r) for r in rows]

    async def due(self, now: datetime) -> list[Escalation]:
        """Open escalations whose deadline has passed."""
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(EscalationRow)
                .where(EscalationRow.status == OPEN, EscalationRow.deadline <= now)
                .order_by(EscalationRow.deadline)
            )
            return [_escalation(r) for r in rows]


_INSERT = insert(EscalationRow).returning(*EscalationRow.__table__.c)


def _insert(conn: Connection, values: dict[str, Any]) -> Escalation:
    """The new escalation, read back from the INSERT itself."""
    return _escalation(conn.execute(_INSERT, values).one())


_APPEND_ON_POSTGRES = (
    update(EscalationRow)
    .where(EscalationRow.id == bindparam("escalation"))
    .values(
        notices=cast(
            func.coalesce(cast(EscalationRow.notices, JSONB), cast("[]", JSONB)).op("||")(
                cast(bindparam("notices", type_=JSON), JSONB)
            ),
            JSON,
        )
    )
)
"""One statement, and the row lock makes two processes' notices both land (the server
appends to the row as the first of them left it)."""


def _add_notices(conn: Connection, escalation_id: int, notices: list[dict[str, Any]]) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(_APPEND_ON_POSTGRES, {"escalation": escalation_id, "notices": notices})
        return
    # SQLite: one writer at a time, so nothing can come between reading and writing.
    current = conn.scalar(select(EscalationRow.notices).where(EscalationRow.id == escalation_id))
    conn.execute(
        update(EscalationRow)
        .where(EscalationRow.id == escalation_id)
        .values(notices=[*(current or []), *notices])
    )
