"""Tables of the community's human side: escalations, reports, amendments, strikes, linked
accounts, FAQ entries and welcome gates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import UTCDateTime


class EscalationRow(Base):
    """A hard call handed to humans. `status` moves open -> decided | expired exactly once
    (a conditional UPDATE), so the first vote wins across platforms and processes."""

    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_open", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_id: Mapped[str] = mapped_column(String(64), index=True)
    origin_key: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_id: Mapped[str] = mapped_column(String(64))
    user_name: Mapped[str] = mapped_column(String(200))
    user_rank: Mapped[int] = mapped_column(Integer, default=0)
    rules: Mapped[str] = mapped_column(String(400), default="")
    reason: Mapped[str] = mapped_column(Text)
    excerpt: Mapped[str | None] = mapped_column(Text, nullable=True)
    options: Mapped[list[str]] = mapped_column(JSON)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    protected: Mapped[bool] = mapped_column(Boolean, default=False)
    """The member is a moderator: reports alone never hide their message or sanction them."""
    notices: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    verdict: Mapped[str | None] = mapped_column(String(32), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_by_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ReportRow(Base):
    """One member's report of a message; a member counts once per escalation."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("escalation_id", "platform", "reporter_id", name="uq_reports_reporter"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    reporter_id: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AmendmentRow(Base):
    """A new reason for a case. The case row is never overwritten; the newest amendment wins."""

    __tablename__ = "case_amendments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    actor_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StrikeRow(Base):
    """One strike against a person (all their linked accounts), from one case."""

    __tablename__ = "strikes"
    __table_args__ = (Index("ix_strikes_person", "community_id", "person_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    pardoned_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    pardoned_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class IdentityRow(Base):
    """A platform account and the person it belongs to (accounts linked with /link share one)."""

    __tablename__ = "identities"
    __table_args__ = (
        UniqueConstraint("community_id", "platform", "user_id", name="uq_identities_account"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[str] = mapped_column(String(200), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LinkCodeRow(Base):
    """A one-time code that links the account that asked for it to the one that enters it."""

    __tablename__ = "link_codes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    community_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FaqRow(Base):
    """A FAQ entry: triggers and an answer in every language. Seeded from config, then
    managed by moderators' commands."""

    __tablename__ = "faqs"
    __table_args__ = (UniqueConstraint("community_id", "name", name="uq_faqs_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    triggers: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    answer_en: Mapped[str] = mapped_column(Text)
    answer_id: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class GateRow(Base):
    """A newcomer who must pass the welcome gate by `deadline`."""

    __tablename__ = "gates"
    __table_args__ = (Index("ix_gates_due", "status", "deadline"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
