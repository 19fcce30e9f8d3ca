"""case numbers on PostgreSQL given at COMMIT by a deferred trigger

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:00:00

Migration 0006 gave a case its number with a call at the end of its transaction, so the
community's case-number lock was held across the client's round trip to COMMIT (on a busy
event loop, milliseconds): every case of the community waited its turn behind it, which
capped a process at about 1,900 msg/s. A deferred constraint trigger runs inside COMMIT
itself: the lock is held while the server numbers and commits, never while it waits for the
client. A case is written under a provisional (negative) number, never committed as such.
The trigger's queries take a fresh snapshot each (READ COMMITTED, VOLATILE), so the last
number it reads is the one the lock's previous holder committed. Rows that arrive with their
number (an import) are left as they are. SQLite numbers its cases when it writes them (one
writer at a time).
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NUMBER_AT_COMMIT = """
CREATE OR REPLACE FUNCTION modbot_number_new_case() RETURNS trigger
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    next_number integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('modbot:case-number:' || NEW.community_id, 0));
    SELECT coalesce(max(number), 0) + 1 INTO next_number
        FROM cases WHERE community_id = NEW.community_id AND number > 0;
    UPDATE cases SET number = next_number WHERE id = NEW.id;
    RETURN NULL;
END
$$
"""
TRIGGER = """
CREATE CONSTRAINT TRIGGER cases_number_at_commit AFTER INSERT ON cases
DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW WHEN (NEW.number <= 0)
EXECUTE FUNCTION modbot_number_new_case()
"""
NUMBER_IN_TRANSACTION = """
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
        op.execute(NUMBER_AT_COMMIT)
        op.execute(TRIGGER)
        op.execute("DROP FUNCTION IF EXISTS modbot_number_case(bigint, varchar, integer)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NUMBER_IN_TRANSACTION)
        op.execute("DROP TRIGGER IF EXISTS cases_number_at_commit ON cases")
        op.execute("DROP FUNCTION IF EXISTS modbot_number_new_case()")
