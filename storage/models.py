"""Tables of the audit log: cases, the rule hits behind them, and the actions they planned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime


class Base(DeclarativeBase):
    pass


class CaseRow(Base):
    """One decision that did something (or would have, in dry run or shadow mode).

    `origin_key` is unique (`auto:{message key}`), so a redelivered message converges on the
    same case. `number` counts up per community.
    """

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("community_id", "number", name="uq_cases_community_number"),
        Index("ix_cases_community_created", "community_id", "created_at"),
        Index("ix_cases_user", "community_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column(Integer)
    origin_key: Mapped[str] = mapped_column(String(400), unique=True)
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    user_name: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(100), default="auto")
    actor_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decision: Mapped[str] = mapped_column(String(16), index=True)
    delete: Mapped[bool] = mapped_column(Boolean, default=False)
    sanction: Mapped[str] = mapped_column(String(16), default="none")
    duration_s: Mapped[int] = mapped_column(Integer, default=0)
    escalate: Mapped[bool] = mapped_column(Boolean, default=False)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(100), nullable=True)
    model_note: Mapped[str | None] = mapped_column(String(200), nullable=True)
    policy_version: Mapped[str] = mapped_column(String(32))
    excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    hits: Mapped[list[HitRow]] = relationship(back_populates="case", order_by="HitRow.id")
    actions: Mapped[list[ActionRow]] = relationship(back_populates="case", order_by="ActionRow.seq")


class HitRow(Base):
    """One rule's finding on a case, with the guideline it enforces and its evidence span."""

    __tablename__ = "case_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(String(64), index=True)
    guideline: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer, default=-1)
    span_end: Mapped[int] = mapped_column(Integer, default=-1)
    evidence: Mapped[str] = mapped_column(Text, default="")
    shadow: Mapped[bool] = mapped_column(Boolean, default=False)

    case: Mapped[CaseRow] = relationship(back_populates="hits")


class ActionRow(Base):
    """A platform side effect, committed before it is applied. Status moves forward only:
    pending -> applied | moot | failed; `skipped` is recorded in dry run and never applied.
    A pending action is applied by the one process that claimed it (see action_queue)."""

    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_status_due", "status", "next_attempt_at"),
        Index("ix_actions_member", "platform", "chat_id", "user_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The process applying it now; its claim runs out at `next_attempt_at`."""
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    """A notice handed to the platform at this time, its result not yet written."""
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    case: Mapped[CaseRow] = relationship(back_populates="actions")
