"""The queue of recorded actions: claim the due ones (one process each), mark what happened."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.engine import Connection

from storage.audit import LEASE, PENDING, clean_text
from storage.db import Database
from storage.models import ActionRow, CaseRow
from storage.stored import StoredAction, stored_action


class ActionQueue:
    """Pending actions shared by every process on the database.

    `claim` hands each due action to exactly one process: the cases whose actions it takes are
    row-locked with SKIP LOCKED on PostgreSQL (other processes claim other cases meanwhile;
    SQLite's single writer needs no lock), and a claim is a conditional UPDATE that stamps the
    action with the process's name and a lease. Actions of one case are claimed together, so
    their order (delete, tell, sanction) holds.
    """

    def __init__(self, db: Database, worker: str = "main", lease: timedelta = LEASE) -> None:
        self.db = db
        self.worker = worker
        self.lease = lease

    async def claim(
        self, now: datetime, platforms: Iterable[str], limit: int = 200
    ) -> list[StoredAction]:
        """Claim the pending actions due by `now` on `platforms`, in the order to apply them
        (whole cases, up to `limit` cases)."""
        served = sorted(set(platforms))
        if not served:
            return []
        due = (
            ActionRow.status == PENDING,
            ActionRow.next_attempt_at <= now,
            ActionRow.platform.in_(served),
        )
        async with self.db.write() as conn:
            cases = (
                select(CaseRow.id)
                .where(CaseRow.id.in_(select(ActionRow.case_id).where(*due)))
                .order_by(CaseRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True, key_share=True)
            )
            case_ids = list((await conn.execute(cases)).scalars())
            if not case_ids:
                return []
            rows = await conn.execute(
                update(ActionRow)
                .where(ActionRow.case_id.in_(case_ids), *due)
                .values(claimed_by=self.worker, next_attempt_at=now + self.lease)
                .returning(ActionRow)
            )
            claimed = [stored_action(row) for row in rows]
        return sorted(claimed, key=lambda s: (s.case_id, s.id))  # ids follow seq in a case

    async def release_own(self, now: datetime) -> int:
        """Take back the claims of this process's previous life (it was killed while applying
        them): they are due again now. Returns how many there were."""
        async with self.db.write() as conn:
            done = await conn.execute(
                update(ActionRow)
                .where(ActionRow.status == PENDING, ActionRow.claimed_by == self.worker)
                .values(claimed_by=None, next_attempt_at=now)
            )
        return int(done.rowcount or 0)

    async def mark(
        self,
        action_id: int,
        status: str,
        now: datetime,
        error: str | None = None,
        retry_in: timedelta | None = None,
    ) -> None:
        """Move a pending action forward (applied, moot, failed), or count a transient failure
        and schedule the next try (`status` pending with `retry_in`). Never moves backward.
        Either way the claim ends."""
        await self.settle([(action_id, status, error, retry_in)], now)

    async def settle(
        self,
        results: Sequence[tuple[int, str, str | None, timedelta | None]],
        now: datetime,
        start: int | None = None,
    ) -> None:
        """`mark` several results, and note that the notice `start` is about to be handed
        to the platform, in one transaction: one statement run for every row."""
        rows = _settle_rows(results, now, start)
        if rows:
            await self.db.transact(_settle, rows, merge=True)

    async def pending(self, due_by: datetime, limit: int = 500) -> list[StoredAction]:
        """Pending actions due by `due_by` (claimed or not), in the order they must be applied;
        reads only."""
        async with self.db.read() as conn:
            rows = await conn.execute(
                select(ActionRow)
                .where(ActionRow.status == PENDING, ActionRow.next_attempt_at <= due_by)
                .order_by(ActionRow.case_id, ActionRow.seq)
                .limit(limit)
            )
            return [stored_action(row) for row in rows]


_STARTED = bindparam("started", type_=ActionRow.started_at.type)
_SETTLE = (
    update(ActionRow)
    .where(ActionRow.id == bindparam("aid"), ActionRow.status == PENDING)
    .values(
        status=bindparam("state"),
        updated_at=bindparam("at"),
        # A notice being started stays claimed; any result ends the claim.
        claimed_by=case((_STARTED.is_(None), None), else_=ActionRow.claimed_by),
        started_at=_STARTED,
        last_error=func.coalesce(
            bindparam("error", type_=ActionRow.last_error.type), ActionRow.last_error
        ),
        attempts=ActionRow.attempts + bindparam("tries", type_=ActionRow.attempts.type),
        next_attempt_at=func.coalesce(
            bindparam("retry_at", type_=ActionRow.next_attempt_at.type), ActionRow.next_attempt_at
        ),
    )
)
"""Every way an action moves: a final result, a transient failure with its next try, or a
notice noted as started (still pending)."""


def _settle_rows(
    results: Sequence[tuple[int, str, str | None, timedelta | None]],
    now: datetime,
    start: int | None,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [
        {
            "aid": action_id,
            "state": status,
            "at": now,
            "started": None,
            "error": clean_text(error, 1000) if error is not None else None,
            "tries": 1 if status == PENDING else 0,
            "retry_at": now + (retry_in or timedelta(0)) if status == PENDING else None,
        }
        for action_id, status, error, retry_in in results
    ]
    if start is not None:
        row = {"aid": start, "state": PENDING, "at": now, "started": now, "error": None}
        rows.append({**row, "tries": 0, "retry_at": None})
    return rows


def _settle(conn: Connection, rows: list[dict[str, Any]]) -> None:
    conn.execute(_SETTLE, rows)
