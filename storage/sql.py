"""Statements whose SQL differs between SQLite and PostgreSQL: upserts that stay correct
when several processes write the same row at once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(conn: AsyncConnection, table: Any) -> Any:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


async def add_many(
    conn: AsyncConnection,
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
    await conn.execute(
        stmt.on_conflict_do_update(
            index_elements=list(unique), set_={column: counted + stmt.excluded[column]}
        ),
        rows,
    )


async def insert_once(
    conn: AsyncConnection, table: Any, values: Mapping[str, Any], unique: tuple[str, ...]
) -> bool:
    """Insert a row unless one with the same `unique` columns exists. True when inserted."""
    stmt = _insert(conn, table).values(**values).on_conflict_do_nothing(index_elements=list(unique))
    done = await conn.execute(stmt)
    return bool(done.rowcount)
