"""Community health for people: `modbot health`'s table with trend arrows, and the short
summary the moderators' `health` command sends. The figures are defined in storage/health.py.

A trend arrow compares a figure with the window of the same length just before: ↑ higher,
↓ lower, → equal, or when either side has no value (n/a) or nothing at all was recorded
in the previous window.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import timedelta

from bot.config import Config
from bot.config_errors import ConfigError
from bot.events import utcnow
from bot.i18n import Texts
from storage.db import Database
from storage.health import HealthReport, Scope, Window, health_report

UP, DOWN, FLAT = "↑", "↓", "→"
NA = "n/a"
MAX_DAYS = 3650

Value = float | timedelta | None
Row = tuple[str, str, str, str]
Show = Callable[[HealthReport], str]


def trend(now: Value, before: Value) -> str:
    """The arrow from `before` to `now`."""
    a, b = _number(now), _number(before)
    if a is None or b is None or a == b:
        return FLAT
    return UP if a > b else DOWN


def _number(value: Value) -> float | None:
    return value.total_seconds() if isinstance(value, timedelta) else value


def span(value: timedelta | None) -> str:
    """A duration in at most two units: '45s', '12m 30s', '3h 05m', '2d 4h'."""
    if value is None:
        return NA
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {seconds:02d}s" if minutes else f"{seconds}s"


def share(part: int, whole: int) -> str:
    """'60.0% (3/5)', or n/a when `whole` is 0."""
    return f"{part / whole:.1%} ({part}/{whole})" if whole else NA


def rows(now: HealthReport, before: HealthReport) -> list[Row]:
    """(label, this window, previous window, arrow) for every figure, rules last."""
    out: list[Row] = []

    def arrow(a: Value, b: Value) -> str:
        return trend(a, b) if before.has_data else FLAT

    def add(label: str, pick: Callable[[HealthReport], Value], show: Show) -> None:
        out.append((label, show(now), show(before), arrow(pick(now), pick(before))))

    def count(label: str, pick: Callable[[HealthReport], int]) -> None:
        add(label, pick, lambda r: str(pick(r)))

    count("messages", lambda r: r.messages)
    add("active members a day", lambda r: r.active_per_day, lambda r: f"{r.active_per_day:.1f}")
    count("joins", lambda r: r.joins)
    add("7-day retention", lambda r: r.retention, lambda r: share(r.retained, r.newcomers))
    count("questions asked", lambda r: r.questions)
    count("  answered", lambda r: r.answered)
    count("  answered by FAQ", lambda r: r.answered_by_faq)
    add("  median time to answer", lambda r: r.answer_time, lambda r: span(r.answer_time))
    add("toxic messages", lambda r: r.toxic_share, lambda r: share(r.toxic, r.scored))
    count("escalations opened", lambda r: r.escalations)
    count("  decided by a human", lambda r: r.decided)
    count("  expired (fallback)", lambda r: r.expired)
    add("  median time to decide", lambda r: r.decision_time, lambda r: span(r.decision_time))
    out.append(("actions by rule", "", "", ""))
    for rule in sorted(now.actions.keys() | before.actions.keys()):
        a, b = now.actions.get(rule, 0), before.actions.get(rule, 0)
        out.append((f"  {rule}", str(a), str(b), arrow(a, b)))
    out.append(("overturn rate by rule", "", "", ""))
    judged = now.decisions.keys() | before.decisions.keys()
    for rule in sorted(judged | now.overturns.keys() | before.overturns.keys()):
        out.append(
            (
                f"  {rule}",
                share(now.overturns.get(rule, 0), now.decisions.get(rule, 0)),
                share(before.overturns.get(rule, 0), before.decisions.get(rule, 0)),
                arrow(now.overturn_rate(rule), before.overturn_rate(rule)),
            )
        )
    return out


def table(now: HealthReport, before: HealthReport, scope: Scope) -> str:
    """The figures of two windows side by side, as `modbot health` prints them."""
    who = scope.community or "all communities"
    where = scope.platform or "all platforms"
    this, last = now.window, before.window
    header = (
        f"Community health: {who}, {where}, {this.days} day(s) "
        f"{this.first}..{this.last} UTC, compared with {last.first}..{last.last}"
    )
    body = [("figure", "now", "before", "trend"), *rows(now, before)]
    widths = [max(len(row[i]) for row in body) for i in range(3)]
    lines = [header]
    for label, a, b, arrow in body:
        line = f"{label:<{widths[0]}}  {a:>{widths[1]}}  {b:>{widths[2]}}  {arrow}"
        lines.append(line.rstrip())
    return "\n".join(lines)


def summary(texts: Texts, report: HealthReport) -> str:
    """The moderators' short summary, in the community's language."""

    def words(value: timedelta | None) -> str:
        if value is None:
            return NA
        return texts.duration(timedelta(seconds=int(value.total_seconds())))

    retention = report.retention
    return texts(
        "health.summary",
        days=report.window.days,
        messages=report.messages,
        active=f"{report.active_per_day:.1f}",
        joins=report.joins,
        retention=NA if retention is None else f"{retention:.0%}",
        answered=report.answered,
        questions=report.questions,
        answer_time=words(report.answer_time),
        decision_time=words(report.decision_time),
        escalations=report.escalations,
    )


async def run_health(config: Config, args: argparse.Namespace) -> int:
    """`modbot health`: this window's figures against the previous one's, as a table."""
    if not 1 <= args.days <= MAX_DAYS:
        raise ConfigError("--days", [("", f"must be between 1 and {MAX_DAYS} (got {args.days})")])
    db = Database(config.storage.resolved_url())
    try:
        await db.migrate()
        window = Window.ending(utcnow().date(), args.days)
        scope = Scope(args.community, args.platform)
        now = await health_report(db, window, scope)
        before = await health_report(db, window.previous(), scope)
    finally:
        await db.close()
    print(table(now, before, scope))
    return 0
