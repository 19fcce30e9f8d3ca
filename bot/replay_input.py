"""Read `modbot replay`'s input: JSONL or CSV rows, each either usable or carrying its error."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config_errors import ConfigError

csv.field_size_limit(1 << 30)


@dataclass(frozen=True, slots=True)
class Row:
    """One input row. `error` is set (and the rest may be empty) when it cannot be used."""

    id: Any
    text: str | None = None
    author: str | None = None
    channel: str | None = None
    platform: str | None = None
    sent_at: datetime | None = None
    error: str | None = None


def parse_time(value: Any) -> datetime:
    """ISO 8601 (UTC unless it says otherwise) or seconds since the epoch."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return when if when.tzinfo else when.replace(tzinfo=UTC)
    raise ValueError(f"sent_at must be an ISO time or epoch seconds (got {value!r})")


def _text_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _row(row_id: Any, fields: dict[str, Any]) -> Row:
    text = fields.get("text")
    if not isinstance(text, str):
        return Row(row_id, error="`text` is missing or not a string")
    try:
        sent_at = parse_time(fields["sent_at"]) if fields.get("sent_at") not in (None, "") else None
    except (ValueError, OverflowError, OSError) as exc:
        return Row(row_id, error=f"bad sent_at: {exc}")
    return Row(
        row_id,
        text=text,
        author=_text_or_none(fields.get("author")),
        channel=_text_or_none(fields.get("channel")),
        platform=_text_or_none(fields.get("platform")),
        sent_at=sent_at,
    )


def _jsonl(data: bytes) -> Iterator[Row]:
    for number, raw in enumerate(data.split(b"\n"), 1):
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Row(number, error=f"line {number}: invalid UTF-8 at byte {exc.start}")
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            yield Row(number, error=f"line {number}: invalid JSON: {str(exc)[:120]}")
            continue
        if not isinstance(obj, dict):
            yield Row(number, error=f"line {number}: expected a JSON object")
            continue
        row_id = obj.get("id", number)
        yield _row(row_id if isinstance(row_id, str | int | float) else str(row_id), obj)


def _csv(data: bytes, source: str) -> Iterator[Row]:
    text = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise ConfigError(source, [("", "a CSV input needs a `text` column (and may have `id`)")])
    number = 0
    while True:
        number += 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Row(number, error=f"row {number}: unreadable CSV: {exc}")
            continue
        row_id = fields.get("id") or number
        values = [v for v in fields.values() if isinstance(v, str)]
        if any("\udc80" <= ch <= "\udcff" for v in values for ch in v):
            yield Row(row_id, error=f"row {number}: invalid UTF-8")
            continue
        yield _row(row_id, fields)


def read_rows(path: Path) -> list[Row]:
    """All rows of a replay file, in input order. CSV by extension, JSONL otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), [("", f"cannot be read: {exc.strerror or exc}")]) from None
    if path.suffix.lower() == ".csv":
        return list(_csv(data, str(path)))
    return list(_jsonl(data))
