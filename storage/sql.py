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


async def add_to(
    conn: AsyncConnection,
    table: Any,
    column: str,
    n: int,
    keys: Mapping[str, Any],
    unique: tuple[str, ...],
) -> None:
    """Add `n` to `column` of the row with `keys`, creating it if there is none, in one
    statement (INSERT ... ON CONFLICT DO UPDATE), so two processes never both insert."""
    stmt = _insert(conn, table).values(**keys, **{column: n})
    counted = getattr(table, column)
    await conn.execute(
        stmt.on_conflict_do_update(index_elements=list(unique), set_={column: counted + n})
    )


async def insert_once(
    conn: AsyncConnection, table: Any, values: Mapping[str, Any], unique: tuple[str, ...]
) -> bool:
    """Insert a row unless one with the same `unique` columns exists. True when inserted."""
    stmt = _insert(conn, table).values(**values).on_conflict_do_nothing(index_elements=list(unique))
    done = await conn.execute(stmt)
    return bool(done.rowcount)
