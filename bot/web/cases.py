"""The audit log pages: the filtered list, one case in full, and exports of a filtered view."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.web.forms import case_query, number
from bot.web.keys import CLOCK, DESK
from bot.web.render import page, split_span
from bot.web.security import role
from rules.normalize import fold
from storage.case_search import CaseSearch
from storage.queries import AuditQueries

EXPORT_FIELDS = (
    "community_id",
    "number",
    "created_at",
    "platform",
    "user_id",
    "user_name",
    "actor",
    "actor_name",
    "decision",
    "rules",
    "guidelines",
    "reasons",
    "actions",
    "excerpt",
    "policy_version",
    "model_version",
    "dry_run",
)


def folded_span(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The folded view of `text` (rules/normalize.py), cut around the part that came from
    the original span [start, end)."""
    pieces = [fold(char) for char in text]
    before = "".join(pieces[: max(0, start)])
    inside = "".join(pieces[max(0, start) : max(0, end)])
    after = "".join(pieces[max(0, end) :])
    if start < 0 or end <= start:
        return before + inside + after, "", ""
    return before, inside, after


@role("viewer")
async def case_list(request: web.Request) -> web.StreamResponse:
    search: CaseSearch = request.app[DESK].search
    parsed = case_query(request.query)
    size = number(request.query.get("size"), 50, 1, 500)
    after = number(request.query.get("after"), 0, 0, 2**62) or None
    result = await search.page(parsed.query, after=after, size=size)
    kept = {k: v for k, v in parsed.values.items() if v}
    more = None
    if result.next_after is not None:
        more = "/cases?" + urlencode({**kept, "size": size, "after": result.next_after})
    choices = await search.choices()
    config = request.app[DESK].services.config
    return page(
        request,
        "cases.html",
        rows=result.rows,
        values=parsed.values,
        problems=parsed.problems,
        more=more,
        first="/cases?" + urlencode({**kept, "size": size}) if after else None,
        export="?" + urlencode(kept),
        choices=choices,
        guidelines=[g.id for g in config.guidelines],
        actions=("delete", "warn", "timeout", "kick", "ban", "escalate", "note"),
    )


@role("viewer")
async def case_page(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    community = request.match_info["community"]
    try:
        wanted = int(request.match_info["number"])
    except ValueError:
        raise web.HTTPNotFound() from None
    detail = await AuditQueries(desk.search.db).case(community, wanted)
    if detail is None:
        raise web.HTTPNotFound()
    case = detail.case
    excerpt = case["excerpt"] or ""
    hits = []
    for hit in detail.hits:
        hits.append(
            {
                **hit,
                "in_excerpt": split_span(excerpt, hit["span_start"], hit["span_end"]),
                "in_folded": folded_span(excerpt, hit["span_start"], hit["span_end"]),
            }
        )
    extras = await desk.search.extras(case["id"])
    history = await desk.services.cases.history(
        community, [(case["platform"], case["user_id"])], limit=50
    )
    scores = sorted((case["scores"] or {}).items(), key=lambda kv: -float(kv[1]))
    return page(
        request,
        "case.html",
        case=case,
        hits=hits,
        actions=detail.actions,
        scores=scores,
        history=[h for h in history if h.number != case["number"]],
        **extras,
    )


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def csv_safe(value: Any) -> Any:
    """A spreadsheet must not run a member's text as a formula (=, +, -, @ first)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@role("viewer")
async def export(request: web.Request) -> web.StreamResponse:
    kind = request.match_info["kind"]
    parsed = case_query(request.query)
    rows = await request.app[DESK].search.export_rows(parsed.query)
    stamp = request.app[CLOCK]().strftime("%Y%m%d-%H%M%S")
    if kind == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_safe(_cell(row.get(k))) for k in EXPORT_FIELDS})
        body, content_type = out.getvalue(), "text/csv"
    else:
        lines = (
            json.dumps(
                {
                    k: (v.isoformat() if isinstance(v, datetime) else v)
                    for k, v in ((k, row.get(k)) for k in EXPORT_FIELDS)
                },
                ensure_ascii=False,
            )
            for row in rows
        )
        body, content_type = "".join(line + "\n" for line in lines), "application/x-ndjson"
    return web.Response(
        text=body,
        content_type=content_type,
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="modbot-cases-{stamp}.{kind}"'},
    )


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/cases", case_list)
    router.add_get(r"/cases/export.{kind:csv|jsonl}", export)
    router.add_get("/cases/{community}/{number}", case_page)
