"""dashboard: accounts, sessions and login links; indexes for the audit log's list page

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 13:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "dashboard_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["dashboard_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_index("ix_dashboard_tokens_expiry", "dashboard_tokens", ["expires_at"])
    op.create_index("ix_cases_created", "cases", ["created_at", "id"])
    op.create_index("ix_cases_platform_created", "cases", ["platform", "created_at"])
    op.create_index("ix_case_hits_guideline", "case_hits", ["guideline"])
    op.create_index("ix_escalations_case", "escalations", ["case_id"])
    op.create_index("ix_cases_user_id", "cases", ["user_id"])
    op.create_index("ix_cases_user_name", "cases", ["user_name"])


def downgrade() -> None:
    op.drop_index("ix_cases_user_name", table_name="cases")
    op.drop_index("ix_cases_user_id", table_name="cases")
    op.drop_index("ix_escalations_case", table_name="escalations")
    op.drop_index("ix_case_hits_guideline", table_name="case_hits")
    op.drop_index("ix_cases_platform_created", table_name="cases")
    op.drop_index("ix_cases_created", table_name="cases")
    op.drop_index("ix_dashboard_tokens_expiry", table_name="dashboard_tokens")
    op.drop_table("dashboard_tokens")
    op.drop_table("dashboard_users")
