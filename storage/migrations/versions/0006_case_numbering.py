"""case numbering on PostgreSQL in one round trip: lock, read the last number, give the next

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 16:20:00

The community's case-number lock is held from this call to COMMIT; as one function call the
lock, the read and the update cost one round trip instead of three. A VOLATILE function takes
a fresh snapshot for each query, so the read sees every case committed by the lock's previous
holder. SQLite numbers its cases without it (one writer at a time).
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION modbot_number_case(lock_key bigint, community varchar, case_id integer)
RETURNS integer
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    next_number integer;
BEGIN
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT coalesce(max(number), 0) + 1 INTO next_number
        FROM cases WHERE community_id = community AND number > 0;
    UPDATE cases SET number = next_number WHERE id = case_id;
    RETURN next_number;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS modbot_number_case(bigint, varchar, integer)")
