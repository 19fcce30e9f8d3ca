"""actions by member: find a member's timeout in force without reading every action

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 17:00:00

Every sanction asks whether the member is already timed out (the strike ladder spares what
a timeout caused). Without this index the question read every applied or pending action of
the log, so each sanction got slower as the log grew.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_actions_member", "actions", ["platform", "chat_id", "user_id", "kind"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_actions_member", table_name="actions")
