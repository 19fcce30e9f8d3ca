"""case numbers on PostgreSQL from a counter row per community, not from max(number)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 23:30:00

Migration 0008's trigger read the community's last number as max(number). While the table's
statistics are stale (a new database, or one growing faster than autovacuum analyses it),
PostgreSQL planned that as a read of every case of the community (an index scan, a heap
fetch each): 2.2 ms a case at 8,213 cases and growing, all of it under the community's
numbering lock, so a minute of sustained load fell behind. ORDER BY number DESC LIMIT 1 was
planned just as badly (a sort of the whole community). A counter row costs the same at any
size: the trigger adds one to it (INSERT ... ON CONFLICT DO UPDATE, which under READ
COMMITTED always updates the last committed value), and its row lock, held to the end of
the transaction, is the community's numbering lock. Cases that arrive with their number (an
import) raise the counter to it, so the next case follows them. SQLite numbers its cases
when it writes them (one writer at a time) and has no counter.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COUNTERS = """
CREATE TABLE case_numbers (
    community_id varchar(64) PRIMARY KEY,
    last_number integer NOT NULL
)
"""
FILL = """
INSERT INTO case_numbers (community_id, last_number)
SELECT community_id, max(number) FROM cases WHERE number > 0 GROUP BY community_id
"""
NUMBER_NEW = """
CREATE OR REPLACE FUNCTION modbot_number_new_case() RETURNS trigger
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    next_number integer;
BEGIN
    INSERT INTO case_numbers AS counter (community_id, last_number)
        VALUES (NEW.community_id, 1)
        ON CONFLICT (community_id) DO UPDATE SET last_number = counter.last_number + 1
        RETURNING last_number INTO next_number;
    UPDATE cases SET number = next_number WHERE id = NEW.id;
    RETURN NULL;
END
$$
"""
COUNT_NUMBERED = """
CREATE OR REPLACE FUNCTION modbot_count_numbered_case() RETURNS trigger
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    INSERT INTO case_numbers AS counter (community_id, last_number)
        VALUES (NEW.community_id, NEW.number)
        ON CONFLICT (community_id)
        DO UPDATE SET last_number = greatest(counter.last_number, NEW.number);
    RETURN NULL;
END
$$
"""
NUMBERED_TRIGGER = """
CREATE TRIGGER cases_numbered_counted AFTER INSERT ON cases
FOR EACH ROW WHEN (NEW.number > 0)
EXECUTE FUNCTION modbot_count_numbered_case()
"""
NUMBER_BY_MAX = """
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


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(COUNTERS)
        op.execute("LOCK TABLE cases IN SHARE MODE")  # no case is numbered while we count
        op.execute(FILL)
        op.execute(NUMBER_NEW)
        op.execute(COUNT_NUMBERED)
        op.execute(NUMBERED_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NUMBER_BY_MAX)
        op.execute("DROP TRIGGER IF EXISTS cases_numbered_counted ON cases")
        op.execute("DROP FUNCTION IF EXISTS modbot_count_numbered_case()")
        op.execute("DROP TABLE IF EXISTS case_numbers")
