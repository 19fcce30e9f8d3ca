"""The community health page: the core's figures (storage/health.py), bucket by bucket over a
chosen range, per community and platform, as server-drawn charts and the CLI's table."""

from __future__ import annotations

from datetime import date, timedelta

from aiohttp import web

from bot.health import rows as table_rows
from bot.web.charts import Chart, columns, rows
from bot.web.keys import DESK
from bot.web.render import page
from bot.web.security import role
from storage.health import HealthReport, Scope, Window, health_report

RANGES = (7, 14, 30, 90)


def buckets(last: date, days: int) -> list[Window]:
    """Daily windows up to 30 days; weekly ones beyond, oldest first, ending on `last`."""
    size = 1 if days <= 30 else 7
    count = -(-days // size)
    return [Window.ending(last - timedelta(days=size * i), size) for i in reversed(range(count))]


def _minutes(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 60, 1)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def charts(series: list[HealthReport], whole: HealthReport) -> list[Chart]:
    """Every figure of the core as a chart: one bar per bucket, rules over the whole range."""

    def label(r: HealthReport) -> str:
        w = r.window
        return f"{w.first:%m-%d}" if w.days == 1 else f"{w.first:%m-%d}..{w.last:%m-%d}"

    def per_bucket(key: str, title: str, pick, fmt: str = "{:g}") -> Chart:  # type: ignore[no-untyped-def]
        return columns(key, title, [(label(r), pick(r)) for r in series], fmt)

    rules = sorted(whole.decisions.keys() | whole.actions.keys() | whole.overturns.keys())
    return [
        per_bucket("messages", "Messages", lambda r: r.messages),
        per_bucket("active", "Active members a day", lambda r: round(r.active_per_day, 1)),
        per_bucket("joins", "Joins", lambda r: r.joins),
        per_bucket("retention", "7-day retention (%)", lambda r: _percent(r.retention)),
        per_bucket("questions", "Questions asked", lambda r: r.questions),
        per_bucket("faq", "Answered by the FAQ", lambda r: r.answered_by_faq),
        per_bucket(
            "answer-time", "Median time to answer (minutes)", lambda r: _minutes(r.answer_time)
        ),
        per_bucket(
            "toxic", "Toxic share of scored messages (%)", lambda r: _percent(r.toxic_share)
        ),
        per_bucket("escalations", "Escalations opened", lambda r: r.escalations),
        per_bucket(
            "decision-time",
            "Median time to a human decision (minutes)",
            lambda r: _minutes(r.decision_time),
        ),
        rows("actions", "Actions by rule", [(rule, whole.actions.get(rule, 0)) for rule in rules]),
        rows(
            "overturns",
            "Overturn rate by rule (%)",
            [(rule, _percent(whole.overturn_rate(rule))) for rule in rules],
        ),
    ]


@role("viewer")
async def health(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    try:
        days = int(request.query.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in RANGES else 30
    community = request.query.get("community", "")[:64]
    platform = request.query.get("platform", "")[:32]
    scope = Scope(community or None, platform or None)
    db = desk.search.db
    last = desk.services.clock().date()
    series = [await health_report(db, w, scope) for w in buckets(last, days)]
    window = Window.ending(last, days)
    whole = await health_report(db, window, scope)
    before = await health_report(db, window.previous(), scope)
    choices = await desk.search.choices()
    return page(
        request,
        "health.html",
        charts=charts(series, whole),
        table=table_rows(whole, before),
        window=window,
        days=days,
        ranges=RANGES,
        community=community,
        platform=platform,
        choices=choices,
    )


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/health", health)
