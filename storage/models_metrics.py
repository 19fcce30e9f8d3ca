"""Tables of community health: counts and timestamps only, never message content."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base
from storage.types import UTCDateTime


class ActivityRow(Base):
    """How many messages one member posted on one day (active members = rows of a day)."""

    __tablename__ = "activity_days"
    __table_args__ = (
        UniqueConstraint("community_id", "platform", "day", "user_id", name="uq_activity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date, index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    messages: Mapped[int] = mapped_column(Integer, default=0)


class JoinRow(Base):
    """A member joined (for joins per day and 7-day retention)."""

    __tablename__ = "joins"
    __table_args__ = (Index("ix_joins_community_day", "community_id", "joined_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(64))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QuestionRow(Base):
    """A question asked in a chat, and when (and by whom: faq or member) it was answered."""

    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("platform", "chat_id", "message_id", name="uq_questions_message"),
        Index("ix_questions_community_day", "community_id", "asked_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(16), nullable=True)


class CounterRow(Base):
    """A daily counter: `name` (e.g. scored, toxic, overturn) and an optional `key` (a rule)."""

    __tablename__ = "counters"
    __table_args__ = (
        UniqueConstraint("community_id", "platform", "day", "name", "key", name="uq_counters"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(32))
    day: Mapped[date] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64), default="")
    value: Mapped[int] = mapped_column(Integer, default=0)
