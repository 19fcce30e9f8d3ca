"""Move a community's whole log between databases (SQLite to PostgreSQL, say) as JSON lines,
row for row, ids and all."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database
from storage.models import Base, CaseRow
from storage.models_community import EscalationRow
from storage.types import UTCDateTime

FORMAT = "modbot-export/1"
BATCH = 1000
# Parents before children, so foreign keys hold while importing.
ORDER = (
    "cases", "case_hits", "actions", "case_amendments", "strikes", "escalations", "reports",
    "identities", "link_codes", "faqs", "gates", "activity_days", "joins", "questions",
    "counters",
)  # fmt: skip


class TransferError(Exception):
    """The import cannot go ahead; the message says why and what to do."""


def _tables() -> dict[str, Table]:
    return {name: Base.metadata.tables[name] for name in ORDER}


def _query(table: Table, community: str) -> Any:
    if "community_id" in table.c:
        return select(table).where(table.c.community_id == community)
    if table.name == "reports":
        owned = select(EscalationRow.id).where(EscalationRow.community_id == community)
        return select(table).where(table.c.escalation_id.in_(owned))
    owned = select(CaseRow.id).where(CaseRow.community_id == community)
    return select(table).where(table.c.case_id.in_(owned))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    typed = dict(row)
    for name, value in row.items():
        kind = table.c[name].type
        if value is None:
            continue
        if isinstance(kind, UTCDateTime):
            typed[name] = datetime.fromisoformat(value)
        elif isinstance(kind, Date):
            typed[name] = date.fromisoformat(value)
    return typed


async def export_lines(db: Database, community: str) -> AsyncIterator[str]:
    """The community's rows, one JSON object a line, after a header line."""
    yield json.dumps({"format": FORMAT, "community": community})
    async with db.read() as conn:
        for name, table in _tables().items():
            order = table.primary_key.columns.values()
            result = await conn.stream(_query(table, community).order_by(*order))
            async for row in result:
                values = {k: _plain(v) for k, v in row._mapping.items()}
                yield json.dumps({"table": name, "row": values}, ensure_ascii=False)


async def import_lines(db: Database, lines: Iterable[str]) -> dict[str, int]:
    """Insert an export into `db` in one transaction: all of it or nothing. Refused when the
    community already has rows there or an id is taken. Returns rows per table."""
    tables = _tables()
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in tables}
    header: dict[str, Any] | None = None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        item = json.loads(line)
        if header is None:
            if item.get("format") != FORMAT:
                raise TransferError(f"line 1: not a modbot export (expected {FORMAT})")
            header = item
            continue
        if item.get("table") not in tables:
            raise TransferError(f"line {number}: unknown table {item.get('table')!r}")
        rows[item["table"]].append(_typed(tables[item["table"]], item["row"]))
    if header is None:
        raise TransferError("the file is empty: nothing to import")
    async with db.write() as conn:
        await _check_free(conn, header["community"], tables, rows)
        for name in ORDER:
            for start in range(0, len(rows[name]), BATCH):
                await conn.execute(tables[name].insert(), rows[name][start : start + BATCH])
        if db.is_postgres:
            await _advance_sequences(conn, tables)
    return {name: len(found) for name, found in rows.items()}


async def _check_free(
    conn: AsyncConnection,
    community: str,
    tables: dict[str, Table],
    rows: dict[str, list[dict[str, Any]]],
) -> None:
    for name, table in tables.items():
        if "community_id" in table.c:
            taken = await conn.scalar(
                select(func.count()).select_from(table).where(table.c.community_id == community)
            )
            if taken:
                raise TransferError(
                    f"community {community!r} already has {taken} row(s) in {name} here; "
                    "import into a database that does not hold it yet"
                )
        ids = [row["id"] for row in rows[name]] if "id" in table.c else []
        for start in range(0, len(ids), 10_000):
            chunk = ids[start : start + 10_000]
            clash = await conn.scalar(
                select(func.count()).select_from(table).where(table.c.id.in_(chunk))
            )
            if clash:
                raise TransferError(
                    f"{clash} id(s) of {name} are taken here by other communities; import "
                    "into a new database (ids are kept, so posted buttons still work)"
                )


async def _advance_sequences(conn: AsyncConnection, tables: dict[str, Table]) -> None:
    """Ids were inserted as they were: move PostgreSQL's id sequences past them."""
    for name, table in tables.items():
        if "id" not in table.c:
            continue
        highest = select(func.max(table.c.id)).scalar_subquery()
        sequence = func.pg_get_serial_sequence(name, "id")
        await conn.execute(select(func.setval(sequence, func.greatest(highest, 1))))
