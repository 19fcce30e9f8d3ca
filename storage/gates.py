"""Welcome gates: newcomers who must verify before a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from storage.db import Database
from storage.models_community import GateRow

PENDING, PASSED, EXPIRED = "pending", "passed", "expired"


@dataclass(frozen=True, slots=True)
class Gate:
    id: int
    community_id: str
    platform: str
    chat_id: str
    user_id: str
    deadline: datetime


def _gate(row: Any) -> Gate:
    return Gate(row.id, row.community_id, row.platform, row.chat_id, row.user_id, row.deadline)


class GateStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(
        self,
        community: str,
        platform: str,
        chat_id: str,
        user_id: str,
        deadline: datetime,
        now: datetime,
    ) -> None:
        """A newcomer must verify by `deadline` (a rejoin replaces an older pending gate)."""
        async with self.db.write() as conn:
            await conn.execute(
                update(GateRow)
                .where(
                    GateRow.platform == platform,
                    GateRow.chat_id == chat_id,
                    GateRow.user_id == user_id,
                    GateRow.status == PENDING,
                )
                .values(status=EXPIRED, decided_at=now)
            )
            await conn.execute(
                insert(GateRow).values(
                    community_id=community,
                    platform=platform,
                    chat_id=chat_id,
                    user_id=user_id,
                    deadline=deadline,
                    created_at=now,
                )
            )

    async def pending(self, platform: str, chat_id: str, user_id: str) -> Gate | None:
        async with self.db.read() as conn:
            row = (
                await conn.execute(
                    select(GateRow).where(
                        GateRow.platform == platform,
                        GateRow.chat_id == chat_id,
                        GateRow.user_id == user_id,
                        GateRow.status == PENDING,
                    )
                )
            ).first()
        return _gate(row) if row is not None else None

    async def close(self, gate_id: int, status: str, now: datetime) -> bool:
        """Pass or expire a pending gate; exactly one caller gets True."""
        async with self.db.write() as conn:
            done = await conn.execute(
                update(GateRow)
                .where(GateRow.id == gate_id, GateRow.status == PENDING)
                .values(status=status, decided_at=now)
            )
        return done.rowcount == 1

    async def due(self, now: datetime) -> list[Gate]:
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(GateRow).where(GateRow.status == PENDING, GateRow.deadline <= now)
            )
            return [_gate(r) for r in rows]
