"""`modbot replay`: run a file of messages through the real pipeline and print one verdict each.

The output is a contract other tools rely on: one JSON object a line on stdout, in input
order, `{"id", "decision", "delete", "sanction", "escalate", "rules", "scores"?}`, or
`{"id", "error"}` for a row that cannot be read. A summary and progress go to stderr.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.config import Config
from bot.config_errors import ConfigError
from bot.enforce import Enforcer
from bot.events import Member, Message, utcnow
from bot.models import build_model
from bot.pipeline import Judgement, Pipeline
from bot.replay_input import Row, read_rows
from storage.audit import AuditLog
from storage.db import Database

PROGRESS_EVERY = 250


@dataclass(slots=True)
class _Item:
    index: int
    row: Row
    message: Message | None = None
    scores: dict[str, float] | None = None
    result: dict[str, Any] | None = None


def _message(row: Row, index: int, base: datetime) -> Message:
    author = row.author or f"row-{index + 1}"
    platform = row.platform or "replay"
    member = Member(platform=platform, community_id="replay", user_id=author, name=author)
    return Message(
        platform=platform,
        community_id="replay",
        channel_id=row.channel or "replay",
        message_id=str(row.id),
        author=member,
        text=row.text or "",
        sent_at=row.sent_at or base + timedelta(seconds=index),
    )


def verdict(row_id: Any, judgement: Judgement | None) -> dict[str, Any]:
    """The contract's JSON object for one judged row."""
    if judgement is None:
        return {
            "id": row_id,
            "decision": "allow",
            "delete": False,
            "sanction": "none",
            "escalate": False,
            "rules": [],
        }
    decision = judgement.decision
    out: dict[str, Any] = {
        "id": row_id,
        "decision": decision.label,
        "delete": decision.delete,
        "sanction": decision.sanction.name.lower(),
        "escalate": decision.escalate,
        "rules": sorted({hit.rule for hit in decision.hits}),
    }
    if judgement.scores is not None:
        out["scores"] = {k: round(float(v), 6) for k, v in judgement.scores.items()}
    return out


async def _score(
    config: Config, items: list[_Item], pipeline: Pipeline, everything: bool
) -> str | None:
    """Score the rows that need it in model-sized batches; returns the model's version."""
    wanted = [
        item
        for item in items
        if item.message is not None
        and (everything or pipeline.policies.for_message(item.message).needs_scores(item.message))
    ]
    if not wanted:
        return None
    model = build_model(config.model.backend, config.model.params)
    if model is None:
        if everything:
            raise ConfigError(
                "[model]", [("backend", "replay --scores needs a model; set [model] backend")]
            )
        return None
    size = config.model.batch_size
    for start in range(0, len(wanted), size):
        chunk = wanted[start : start + size]
        texts = [item.message.text for item in chunk if item.message is not None]
        for item, scores in zip(chunk, await asyncio.to_thread(model.predict, texts), strict=True):
            item.scores = scores
    return model.version


def _progress(done: int, total: int, started: float, err: TextIO) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    width = 30
    filled = width * done // max(total, 1)
    err.write(
        f"\rreplay [{'#' * filled}{'.' * (width - filled)}] {done}/{total} rows, {rate:,.0f} msg/s"
    )
    err.flush()


def _summary(items: list[_Item], elapsed: float, err: TextIO) -> None:
    decisions = Counter(i.result.get("decision", "error") for i in items if i.result)
    rules = Counter(rule for i in items if i.result for rule in i.result.get("rules", ()))
    err.write(f"\n{len(items)} rows in {elapsed:.2f}s\n")
    err.write(f"{'decision':<12}{'rows':>8}\n")
    for name, count in decisions.most_common():
        err.write(f"{name:<12}{count:>8}\n")
    if rules:
        err.write(f"{'rule':<24}{'hits':>8}\n")
        for name, count in rules.most_common():
            err.write(f"{name:<24}{count:>8}\n")


async def run_replay(
    config: Config,
    path: Path,
    *,
    record: bool = False,
    all_scores: bool = False,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    items = [_Item(i, row) for i, row in enumerate(read_rows(path))]
    db = Database(config.storage.resolved_url()) if record else None
    try:
        enforcer = None
        if db is not None:
            await db.migrate()
            enforcer = Enforcer(config, AuditLog(db), None, utcnow)
        pipeline = Pipeline(config, clock=utcnow, enforcer=enforcer)
        base = datetime.now(UTC).replace(microsecond=0)
        for item in items:
            if item.row.error is None:
                item.message = _message(item.row, item.index, base)
            else:
                item.result = {"id": item.row.id, "error": item.row.error}
        version = await _score(config, items, pipeline, all_scores)
        ordered = sorted(
            (i for i in items if i.message is not None),
            key=lambda i: i.message.sent_at,  # type: ignore[union-attr]
        )
        started = time.perf_counter()
        for done, item in enumerate(ordered, 1):
            assert item.message is not None
            scored_by = version if item.scores is not None else None
            judgement = await pipeline.judge(item.message, item.scores, scored_by)
            item.result = verdict(item.row.id, judgement)
            if record and judgement is not None and judgement.decision.hits:
                await pipeline.record(item.message, judgement, act=False)
            if done % PROGRESS_EVERY == 0 or done == len(ordered):
                _progress(done, len(ordered), started, err)
        for item in items:
            out.write(json.dumps(item.result) + "\n")
        out.flush()
        _summary(items, time.perf_counter() - started, err)
        return 0
    finally:
        if db is not None:
            await db.close()
