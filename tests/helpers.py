"""A hand-built core for tests that need to steer the clock or the policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.fake import FakeAdapter
from bot.app import build_classifier
from bot.classifier import BatchingClassifier
from bot.config import Config, load_config, parse_config
from bot.executor import Executor
from bot.pipeline import Pipeline
from storage.audit import AuditLog
from storage.db import Database
from tests.conftest import config_on


class Clock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Core:
    """Pipeline, executor and a fake platform over one SQLite file."""

    config: Config
    db: Database
    audit: AuditLog
    executor: Executor
    pipeline: Pipeline
    fake: FakeAdapter
    clock: Clock
    classifier: BatchingClassifier | None

    async def say(self, text: str, **kwargs: Any) -> Any:
        kwargs.setdefault("sent_at", self.clock())
        return await self.pipeline.on_message(self.fake.message(text, **kwargs))

    async def statuses(self) -> list[tuple[str, str]]:
        from sqlalchemy import text as sql

        async with self.db.read() as conn:
            rows = await conn.execute(sql("SELECT kind, status FROM actions ORDER BY id"))
            return [(r[0], r[1]) for r in rows]


async def build_core(path: Path, config_text: str | None = None) -> Core:
    base = parse_config(config_text, "test.toml") if config_text else load_config()
    config = config_on(path, base)
    db = Database(config.storage.resolved_url())
    await db.migrate()
    clock = Clock()
    fake = FakeAdapter()
    audit = AuditLog(db)
    executor = Executor(audit, {fake.platform: fake}, clock)
    classifier = build_classifier(config)
    pipeline = Pipeline(config, clock=clock, classifier=classifier, audit=audit, executor=executor)
    return Core(config, db, audit, executor, pipeline, fake, clock, classifier)
