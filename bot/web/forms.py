"""Reading the dashboard's query strings and forms into plain values, with the problems found."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from storage.case_search import CaseQuery

FILTERS = (
    "community",
    "platform",
    "member",
    "rule",
    "guideline",
    "action",
    "origin",
    "overturned",
    "since",
    "until",
    "q",
)
ORIGINS = ("", "auto", "human")
MAX_TEXT = 200


@dataclass
class Parsed:
    query: CaseQuery
    values: dict[str, str]
    """The filters as given (to fill the form again and build links)."""
    problems: list[str] = field(default_factory=list)


def _day(raw: str, name: str, problems: list[str], end: bool = False) -> datetime | None:
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        problems.append(f"{name}: {raw[:40]!r} is not a date like 2026-11-01; ignored")
        return None
    start = datetime.combine(day, time(), UTC)
    return start + timedelta(days=1) if end else start


def _text(raw: object) -> str:
    """A filter value as the audit log stores text: no NUL (storage/audit.py's clean_text),
    trimmed, at most MAX_TEXT characters."""
    return str(raw).replace("\x00", "\ufffd").strip()[:MAX_TEXT]


def case_query(params: Mapping[str, str]) -> Parsed:
    """The list page's filters. Text values are used as given (bound, never spliced); dates
    are whole UTC days, `until` included."""
    values = {name: _text(params.get(name, "")) for name in FILTERS}
    problems: list[str] = []
    origin = values["origin"] if values["origin"] in ORIGINS else ""
    overturned = {"yes": True, "no": False}.get(values["overturned"])
    query = CaseQuery(
        community=values["community"],
        platform=values["platform"],
        member=values["member"],
        rule=values["rule"],
        guideline=values["guideline"],
        action=values["action"],
        origin=origin,
        overturned=overturned,
        since=_day(values["since"], "since", problems),
        until=_day(values["until"], "until", problems, end=True),
        text=values["q"],
    )
    return Parsed(query, values, problems)


def number(raw: str | None, default: int, low: int, high: int) -> int:
    """A whole number from a query string, clamped to [low, high]; `default` when unreadable."""
    try:
        value = int(raw or "")
    except ValueError:
        return default
    return max(low, min(high, value))
