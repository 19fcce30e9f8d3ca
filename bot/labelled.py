"""Labelled messages (`text` + `label` 0/1) from CSV or JSONL, for calibrating and fitting."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from bot.config_errors import ConfigError

csv.field_size_limit(1 << 30)
_TRUE = {"1", "true", "yes", "toxic", "abusive", "offensive", "off"}
_FALSE = {"0", "false", "no", "clean", "not", "none"}


@dataclass(frozen=True, slots=True)
class Labelled:
    text: str
    label: int


def _label(value: object, where: str) -> int:
    text = str(value).strip().lower()
    if text in _TRUE:
        return 1
    if text in _FALSE:
        return 0
    raise ConfigError(where, [("label", f"must be 0 or 1 (got {value!r})")])


def read_labelled(path: Path, label: str = "label") -> list[Labelled]:
    """Rows with a `text` and a 0/1 `label` column (or key); rows without text are skipped."""
    try:
        data = path.read_text("utf-8-sig", errors="replace")
    except OSError as exc:
        raise ConfigError(str(path), [("", f"cannot be read: {exc.strerror or exc}")]) from None
    rows: list[Labelled] = []
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(data, newline=""))
        if (
            not reader.fieldnames
            or "text" not in reader.fieldnames
            or label not in reader.fieldnames
        ):
            raise ConfigError(str(path), [("", f"needs `text` and `{label}` columns")])
        for number, row in enumerate(reader, 2):
            if row.get("text"):
                rows.append(Labelled(row["text"], _label(row[label], f"{path}:{number}")))
        return rows
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}:{number}", [("", f"invalid JSON ({exc.msg})")]) from None
        if isinstance(obj, dict) and isinstance(obj.get("text"), str) and label in obj:
            rows.append(Labelled(obj["text"], _label(obj[label], f"{path}:{number}")))
    return rows
