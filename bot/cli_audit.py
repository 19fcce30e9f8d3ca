"""`modbot audit list|show|search`: the audit log in a terminal."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import UTC, datetime
from typing import Any

from bot.config import Config
from bot.config_errors import ConfigError
from bot.events import utcnow
from rules.base import parse_duration
from storage.db import Database
from storage.queries import AuditQueries, CaseFilter, CaseSummary


def parse_since(value: str | None) -> datetime | None:
    """'2026-11-01', '2026-11-01T10:00' (UTC unless a zone is given), or an age like '2h'."""
    if not value:
        return None
    try:
        return utcnow() - parse_duration(value)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            "--since", [("", f"{value!r} is not a date or an age; use 2026-11-01 or 7d")]
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _line(case: CaseSummary) -> str:
    excerpt = (case.excerpt or "").replace("\n", " ")
    excerpt = excerpt if len(excerpt) <= 50 else excerpt[:47] + "..."
    dry = " (dry run)" if case.dry_run else ""
    rules = ",".join(case.rules)
    return (
        f"#{case.number:<5} {case.created_at:%Y-%m-%d %H:%M:%S}  {case.community_id:<14} "
        f"{case.user_name[:16]:<16} {case.decision + dry:<10} {rules:<24} {excerpt!r}"
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _print_json(obj: dict[str, Any]) -> None:
    print(json.dumps({k: _jsonable(v) for k, v in obj.items()}, ensure_ascii=False))


async def run_audit(config: Config, args: argparse.Namespace) -> int:
    db = Database(config.storage.resolved_url())
    try:
        await db.migrate()
        queries = AuditQueries(db)
        if args.verb == "show":
            return await _show(queries, args)
        if args.verb == "export":
            return await _export(queries, args)
        flt = CaseFilter(
            community=args.community,
            user=args.user,
            rule=args.rule,
            action=args.action,
            since=parse_since(args.since),
            text=getattr(args, "text", None),
            limit=args.limit,
        )
        cases = await queries.cases(flt)
        for case in cases:
            if args.json:
                _print_json(_summary_dict(case))
            else:
                print(_line(case))
        if not args.json:
            print(f"{len(cases)} case(s)", file=sys.stderr)
        return 0
    finally:
        await db.close()


def _summary_dict(case: CaseSummary) -> dict[str, Any]:
    return {name: getattr(case, name) for name in case.__slots__}


async def _show(queries: AuditQueries, args: argparse.Namespace) -> int:
    community = args.community
    if community is None:
        known = await queries.communities()
        if len(known) > 1:
            print(
                f"several communities in this log; add --community ({', '.join(known)})",
                file=sys.stderr,
            )
            return 1
        community = known[0] if known else ""
    detail = await queries.case(community, args.number)
    if detail is None:
        print(f"no case #{args.number} in community {community!r}", file=sys.stderr)
        return 1
    if args.json:
        _print_json(
            {
                **detail.case,
                "hits": detail.hits,
                "actions": [{k: _jsonable(v) for k, v in a.items()} for a in detail.actions],
            }
        )
        return 0
    case = detail.case
    dry = " (dry run)" if case["dry_run"] else ""
    when = f"{case['created_at']:%Y-%m-%d %H:%M:%S}"
    lines = [
        f"Case #{case['number']} in {case['community_id']} ({case['platform']}), {when} UTC",
        f"  member:    {case['user_name']} ({case['user_id']})",
        f"  message:   {case['message_id']} in {case['channel_id']}",
        f"  decision:  {case['decision']}{dry} by {case['actor']}, policy {case['policy_version']}",
    ]
    if case["scores"] is not None or case["model_note"]:
        model = case["model_version"] or "-"
        lines.append(f"  model:     {model} {case['scores'] or ''} {case['model_note'] or ''}")
    lines.append(f"  excerpt:   {case['excerpt']!r}")
    for hit in detail.hits:
        shadow = " (shadow)" if hit["shadow"] else ""
        lines.append(f"  hit:       {hit['rule']}{shadow} -> {hit['guideline']}: {hit['reason']}")
        if hit["span_start"] >= 0:
            span = f"{hit['span_start']}..{hit['span_end']}"
            lines.append(f"             evidence {hit['evidence']!r} at {span}")
    print("\n".join(lines))
    for action in detail.actions:
        until = f" until {action['until']:%Y-%m-%d %H:%M:%S}" if action["until"] else ""
        error = f" ({action['last_error']})" if action["last_error"] else ""
        print(f"  action:    {action['kind']}{until}: {action['status']}{error}")
    return 0


EXPORT_FIELDS = (
    "community_id",
    "number",
    "created_at",
    "platform",
    "user_id",
    "user_name",
    "actor",
    "decision",
    "rules",
    "reasons",
    "actions",
    "excerpt",
    "policy_version",
    "dry_run",
)


async def _export(queries: AuditQueries, args: argparse.Namespace) -> int:
    """Every matching case in full (hits, actions), oldest first: a member's history to keep."""
    flt = CaseFilter(
        community=args.community,
        user=args.user,
        rule=args.rule,
        action=args.action,
        since=parse_since(args.since),
        limit=args.limit,
    )
    rows = []
    for summary in reversed(await queries.cases(flt)):
        detail = await queries.case(summary.community_id, summary.number)
        if detail is None:
            continue
        case = detail.case
        rows.append(
            {
                **{k: _jsonable(case.get(k)) for k in EXPORT_FIELDS if k in case},
                "rules": ",".join(summary.rules),
                "reasons": "; ".join(h["reason"] for h in detail.hits),
                "actions": ",".join(f"{a['kind']}:{a['status']}" for a in detail.actions),
            }
        )
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    else:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    print(f"{len(rows)} case(s) exported", file=sys.stderr)
    return 0
