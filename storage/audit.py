"""The audit log's write path: record a case with its actions in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.actions import Action, Decision
from storage import numbers
from storage.case_rows import write_case
from storage.db import Database
from storage.models import ActionRow, CaseRow
from storage.stored import StoredAction, stored_action

PENDING, APPLIED, MOOT, FAILED, SKIPPED = "pending", "applied", "moot", "failed", "skipped"
_EXISTING = select(CaseRow.id, CaseRow.number).where(CaseRow.origin_key == bindparam("origin"))
_ACTIONS_OF = (
    select(ActionRow).where(ActionRow.case_id == bindparam("case")).order_by(ActionRow.seq)
)
LEASE = timedelta(minutes=2)
"""How long a process may take to apply the actions it claimed before any other process may
claim them again (a process that was killed and restarts under its own name takes its
claims back at once)."""


def clean_text(text: str, limit: int | None = None) -> str:
    """Text any database accepts: no NUL, no lone surrogates; cut to `limit` characters."""
    cut = text if limit is None else text[:limit]
    return cut.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


@dataclass(frozen=True, slots=True)
class CaseDraft:
    """Everything a case records about one decision. `excerpt` is already truncated."""

    community_id: str
    origin_key: str
    platform: str
    chat_id: str
    channel_id: str
    message_id: str | None
    user_id: str
    user_name: str
    decision: Decision
    policy_version: str
    created_at: datetime
    label: str | None = None
    """The decision word to store when it is not the sanction's (untimeout, unban, note)."""
    actor: str = "auto"
    actor_name: str | None = None
    strike_person: str | None = None
    """When set, the case gives this person a strike (in the same transaction)."""
    excerpt: str | None = None
    scores: Mapping[str, float] | None = None
    model_version: str | None = None
    model_note: str | None = None
    dry_run: bool = False


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Prepared(Generic[T]):
    """A case drafted inside its write transaction (see `AuditLog.record_prepared`)."""

    draft: CaseDraft
    actions: Sequence[Action]
    extra: T


@dataclass(frozen=True, slots=True)
class Recorded:
    """The result of `record_case`. `created` is False when the origin key was already known."""

    case_id: int
    number: int
    """The case's number in its community (0: given by PostgreSQL at COMMIT and not read
    back, see `AuditLog.record_prepared`)."""
    created: bool
    actions: tuple[StoredAction, ...]


class AuditLog:
    """Write side of the audit log. Every platform side effect is recorded here first.

    Actions due at once are recorded already claimed by this process (`worker`), which
    applies them right after the commit; no other process takes them before `lease` runs out.
    """

    def __init__(self, db: Database, worker: str = "main", lease: timedelta = LEASE) -> None:
        self.db = db
        self.worker = worker
        self.lease = lease

    async def record_case(
        self, draft: CaseDraft, actions: Sequence[Action], status: str = PENDING
    ) -> Recorded:
        """Write the case, its hits and its actions in ONE transaction.

        Idempotent: a draft whose `origin_key` is already recorded writes nothing and returns
        the existing case with `created=False`, so a redelivered message converges. (The
        insert is tried first: a new message, the common case, costs no lookup.)
        """
        recorded, _ = await self.record_prepared(
            lambda _: Prepared(draft, actions, None), status, (draft.platform, draft.user_id)
        )
        return recorded

    async def record_prepared(
        self,
        prepare: Callable[[Connection], Prepared[T]],
        status: str = PENDING,
        member: tuple[str, str] | None = None,
        numbered: bool = True,
    ) -> tuple[Recorded, T]:
        """`record_case` for a case that depends on what the database holds (a member's
        strikes, linked accounts): `prepare(conn)` reads what it needs and drafts the case
        inside the same write transaction, so what it read cannot change before the case is
        written, and the whole case costs one transaction. Returns the record and what
        `prepare` added. Idempotent on the draft's origin key like `record_case` (the
        existing case comes back with what `prepare` makes of the database now). `member`
        (platform, user id): whom the case is about, whose strike lock `prepare` may take
        (see Database.transact's lanes). PostgreSQL gives a case its number at COMMIT:
        it is read back after the commit, unless `numbered` is False (nobody will show it),
        and then `number` is 0."""
        lane = ":".join(member) if member is not None else None
        for attempt in range(3):
            try:
                recorded, extra = await self.db.transact(
                    self._prepare_and_insert, prepare, status, lane=lane
                )
                break
            except IntegrityError:
                # Another constraint than the origin's (on PostgreSQL, two provisional case
                # numbers drawn alike): the case was not written; try again.
                if attempt == 2:
                    raise
        if recorded.number <= 0:  # PostgreSQL numbered it at COMMIT
            number = await self.db.query(numbers.given, recorded.case_id) if numbered else 0
            recorded = replace(recorded, number=number)
        return recorded, extra

    def _prepare_and_insert(
        self, conn: Connection, prepare: Callable[[Connection], Prepared[T]], status: str
    ) -> tuple[Recorded, T]:
        prepared = prepare(conn)
        return self._insert(conn, prepared.draft, prepared.actions, status), prepared.extra

    @staticmethod
    def _existing(conn: Connection, origin_key: str) -> Recorded:
        row = conn.execute(_EXISTING, {"origin": origin_key}).one()
        actions = conn.execute(_ACTIONS_OF, {"case": row.id})
        return Recorded(row.id, row.number, False, tuple(stored_action(a) for a in actions))

    def _insert(
        self, conn: Connection, draft: CaseDraft, actions: Sequence[Action], status: str
    ) -> Recorded:
        """The write itself: plain synchronous statements, run whole by `Database.transact`
        (in the SQLite writer's thread, or in a PostgreSQL transaction)."""
        number = numbers.first(conn, draft.community_id)
        decision = draft.decision
        now = draft.created_at
        claim = status == PENDING
        written = write_case(
            conn,
            dict(
                community_id=draft.community_id,
                number=number,
                origin_key=draft.origin_key,
                platform=draft.platform,
                chat_id=draft.chat_id,
                channel_id=draft.channel_id,
                message_id=draft.message_id,
                user_id=draft.user_id,
                user_name=clean_text(draft.user_name, 200),
                actor=draft.actor,
                actor_name=clean_text(draft.actor_name, 200) if draft.actor_name else None,
                decision=draft.label or decision.label,
                delete=decision.delete,
                sanction=decision.sanction.name.lower(),
                duration_s=int(decision.duration.total_seconds()),
                escalate=decision.escalate,
                dry_run=draft.dry_run,
                scores=dict(draft.scores) if draft.scores is not None else None,
                model_version=draft.model_version,
                model_note=draft.model_note,
                policy_version=draft.policy_version,
                excerpt=clean_text(draft.excerpt) if draft.excerpt is not None else None,
                created_at=now,
            ),
            [
                {
                    "rule": hit.rule,
                    "guideline": hit.guideline,
                    "reason": clean_text(hit.reason, 500),
                    "span_start": hit.start,
                    "span_end": hit.end,
                    "evidence": clean_text(hit.evidence),
                    "shadow": hit.shadow,
                }
                for hit in decision.hits
            ],
            draft.strike_person,
            [
                {
                    "key": action.key,
                    "seq": seq,
                    "kind": str(action.kind),
                    "platform": action.platform,
                    "chat_id": action.community_id,
                    "user_id": action.user_id,
                    "channel_id": action.channel_id,
                    "message_id": action.message_id,
                    "until": action.until,
                    "reason": clean_text(action.reason, 2000),
                    "status": status,
                    "attempts": 0,
                    "claimed_by": self.worker if claim and action.not_before is None else None,
                    "started_at": None,
                    "last_error": None,
                    "next_attempt_at": action.not_before or (now + self.lease if claim else now),
                    "created_at": now,
                    "updated_at": now,
                }
                for seq, action in enumerate(actions)
            ],
        )
        if written is None:  # the origin is recorded already: a redelivered message
            return self._existing(conn, draft.origin_key)
        case_id, rows = written
        # Action ids follow the actions' order.
        stored = tuple(sorted((stored_action(row) for row in rows), key=lambda a: a.id))
        return Recorded(case_id, number, True, stored)
