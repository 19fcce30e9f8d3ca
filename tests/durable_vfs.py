"""A SQLite VFS (through APSW) that keeps only what was fsynced, to simulate a power cut, or
that fails the k-th write, to simulate a full or failing disk. And the audit log's write path
replayed through it: the real schema (made by the migrations), the real pragmas, one
transaction per case as `record_case` writes it, with SQL compiled from the real tables.

Simpler than SQLite's own crash VFS: unsynced writes are dropped whole, never torn or
reordered, and deleting a file counts as durable at once.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import apsw
from sqlalchemy import bindparam
from sqlalchemy.dialects import sqlite

from storage.db import SQLITE_PRAGMAS
from storage.models import ActionRow, CaseRow, HitRow

DIALECT = sqlite.dialect(paramstyle="named")


@functools.cache
def _sql(table: Any, columns: tuple[str, ...]) -> str:
    stmt = table.insert().values({name: bindparam(name) for name in columns})
    return str(stmt.compile(dialect=DIALECT))


def insert(conn: apsw.Connection, table: Any, row: dict[str, Any]) -> None:
    """INSERT one row, the statement compiled from the real table (unknown columns fail)."""
    conn.execute(_sql(table, tuple(row)), row)


class DurableVFS(apsw.VFS):
    """Files as the default VFS writes them, plus for each one its durable image: its bytes
    as of its last xSync. `fail_at` makes the k-th write (counted from now) raise."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.images: dict[str, bytearray] = {}
        self.writes = 0
        self.fail_at: int | None = None
        self.fault: type[Exception] = apsw.IOError
        super().__init__(name, "")

    def xOpen(self, name: Any, flags: Any) -> DurableFile:  # noqa: N802 - APSW's name
        return DurableFile(self, name, flags)

    def cut_power(self, into: Path) -> None:
        """Write every file's durable image into the folder `into` (the machine came back)."""
        into.mkdir(parents=True, exist_ok=True)
        for path, image in self.images.items():
            if not path.endswith(("-shm", "-journal")):
                (into / Path(path).name).write_bytes(bytes(image))


class DurableFile(apsw.VFSFile):
    def __init__(self, vfs: DurableVFS, name: Any, flags: Any) -> None:
        self._vfs = vfs
        self._path = name.filename() if isinstance(name, apsw.URIFilename) else str(name)
        self._pending: list[tuple[int, bytes | None]] = []
        vfs.images.setdefault(self._path, bytearray())
        super().__init__("", name, flags)

    def xWrite(self, data: bytes, offset: int) -> None:  # noqa: N802
        vfs = self._vfs
        vfs.writes += 1
        if vfs.fail_at is not None and vfs.writes >= vfs.fail_at:
            raise vfs.fault("injected by the test")
        super().xWrite(data, offset)
        self._pending.append((offset, bytes(data)))

    def xTruncate(self, size: int) -> None:  # noqa: N802
        super().xTruncate(size)
        self._pending.append((size, None))

    def xSync(self, flags: int) -> None:  # noqa: N802
        super().xSync(flags)
        image = self._vfs.images[self._path]
        for offset, data in self._pending:
            if data is None:
                del image[offset:]
            else:
                if len(image) < offset:
                    image.extend(b"\0" * (offset - len(image)))
                image[offset : offset + len(data)] = data
        self._pending.clear()


def start_from(template: Path, folder: Path, vfs: DurableVFS) -> Path:
    """Copy the migrated, closed template into `folder`; it is durable as it is."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "audit.db"
    shutil.copyfile(template, path)
    vfs.images[str(path)] = bytearray(path.read_bytes())
    return path


def connect(path: Path, vfs: DurableVFS, synchronous: str) -> apsw.Connection:
    conn = apsw.Connection(str(path), vfs=vfs.name)
    for pragma in SQLITE_PRAGMAS:
        if pragma.startswith("PRAGMA synchronous"):
            pragma = f"PRAGMA synchronous={synchronous}"
        conn.execute(pragma)
    return conn


def record_case(conn: apsw.Connection, n: int, acknowledge: Callable[[str], None]) -> None:
    """One case as `record_case` writes it: the case, its hit and two actions, one
    transaction; acknowledged only once COMMIT returned."""
    key = f"auto:fake:c1:m{n}"
    now = "2026-11-01 12:00:00.000000"
    conn.execute("BEGIN IMMEDIATE")
    try:
        number = (conn.execute("SELECT coalesce(max(number), 0) + 1 FROM cases").get) or 1
        case = dict(
            community_id="c1", number=number, origin_key=key, platform="fake", chat_id="c1",
            channel_id="general", message_id=f"m{n}", user_id=f"u{n % 50}", user_name="member",
            actor="auto", actor_name=None, decision="warn", delete=1, sanction="warn",
            duration_s=0, escalate=0, dry_run=0, scores=json.dumps({"toxicity": 0.1}),
            model_version=None, model_note=None, policy_version="v1",
            excerpt=f"message number {n} " * 8, created_at=now,
        )  # fmt: skip
        insert(conn, CaseRow.__table__, case)
        case_id = conn.last_insert_rowid()
        hit = dict(
            case_id=case_id, rule="profanity", guideline="language", reason="listed word",
            span_start=0, span_end=4, evidence="frak", shadow=0,
        )  # fmt: skip
        insert(conn, HitRow.__table__, hit)
        for seq, kind in enumerate(("delete", "warn")):
            action = dict(
                case_id=case_id, key=f"{key}:{kind}", seq=seq, kind=kind, platform="fake",
                chat_id="c1", user_id=f"u{n % 50}", channel_id="general", message_id=f"m{n}",
                until=None, reason="Keep it clean (profanity)", status="pending", attempts=0,
                claimed_by="main", started_at=None, last_error=None, next_attempt_at=now,
                created_at=now, updated_at=now,
            )  # fmt: skip
            insert(conn, ActionRow.__table__, action)
        conn.execute("COMMIT")
    except BaseException:
        if not conn.getautocommit():
            conn.execute("ROLLBACK")
        raise
    acknowledge(key)
