"""Tables of the web dashboard: accounts, and sessions or one-time login links (hashed)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, CaseRow, HitRow
from storage.models_community import EscalationRow
from storage.types import UTCDateTime


class DashboardUserRow(Base):
    """A dashboard account. `password_hash` is argon2id; an account made for a one-time login
    link has an empty hash and can only sign in through a link."""

    __tablename__ = "dashboard_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DashboardTokenRow(Base):
    """A session (`kind` session) or a one-time login link (`kind` link). Only the SHA-256 of
    the secret is stored; a link is spent by the UPDATE that sets `used_at`."""

    __tablename__ = "dashboard_tokens"
    __table_args__ = (Index("ix_dashboard_tokens_expiry", "expires_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("dashboard_users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


# The audit log's list page reads newest first, whatever else it filters on.
Index("ix_cases_created", CaseRow.created_at, CaseRow.id)
Index("ix_cases_platform_created", CaseRow.platform, CaseRow.created_at)
Index("ix_case_hits_guideline", HitRow.guideline)
Index("ix_cases_user_id", CaseRow.user_id)
Index("ix_cases_user_name", CaseRow.user_name)
Index("ix_escalations_case", EscalationRow.case_id)
