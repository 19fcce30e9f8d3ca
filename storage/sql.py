"""Statements whose SQL differs between SQLite and PostgreSQL: upserts that stay correct
when several processes write the same row at once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def _insert(conn: Connection, table: Any) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def add_many(
    conn: Connection,
    table: Any,
    column: str,
    rows: list[dict[str, Any]],
    unique: tuple[str, ...],
) -> None:
    """Add each row's `column` value to the row with the same `unique` columns, creating
    the rows there are none of: one INSERT ... ON CONFLICT DO UPDATE, run for all the rows
    at once (executemany), so two processes never both insert and thousands of counters
    cost one statement."""
    if not rows:
        return
    stmt = _insert(conn, table)
    counted = getattr(table, column)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=list(unique), set_={column: counted + stmt.excluded[column]}
        ),
        rows,
    )


def insert_once(
    conn: Connection, table: Any, rows: list[dict[str, Any]], unique: tuple[str, ...]
) -> None:
    """Insert the rows no row with the same `unique` columns is there for (one
    executemany of INSERT ... ON CONFLICT DO NOTHING: whichever process comes first)."""
    if rows:
        stmt = _insert(conn, table).on_conflict_do_nothing(index_elements=list(unique))
        conn.execute(stmt, rows)
