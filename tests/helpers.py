"""A hand-built core for tests that need to steer the clock or the policy."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.fake import FakeAdapter
from bot.app import build_classifier
from bot.classifier import BatchingClassifier
from bot.config import Config, load_config, parse_config
from bot.core import Core as BotCore
from bot.events import Invocation, Member
from bot.heap import settle_heap
from bot.services import Services, build_services
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
    """The real core over one SQLite file, a fake platform and a clock tests move."""

    config: Config
    db: Database
    services: Services
    core: BotCore
    fake: FakeAdapter
    clock: Clock
    classifier: BatchingClassifier | None
    _invocations: int = 0
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _worker: asyncio.Task[None] | None = None

    async def close(self) -> None:
        """Stop the model worker and close the database, as App does on its way out."""
        self._stop.set()
        if self._worker is not None:
            # A model the test made hang is not waited for: its batch is abandoned.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._worker, 1)
        await self.db.close()

    @property
    def executor(self):  # type: ignore[no-untyped-def]
        return self.services.executor

    async def say(self, text: str, **kwargs: Any) -> Any:
        kwargs.setdefault("sent_at", self.clock())
        return await self.core.on_message(self.fake.message(text, **kwargs))

    async def command(
        self,
        actor: Member,
        command: str,
        target: Member | None = None,
        *,
        on: FakeAdapter | None = None,
        message: Any = None,
        **args: str,
    ) -> Any:
        platform = on or self.fake
        self._invocations += 1
        invocation = Invocation(
            id=f"i{self._invocations}",
            platform=platform.platform,
            community_id=platform.community_id,
            channel_id="general",
            actor=actor,
            command=command,
            args=args,
            target=target,
            target_id=target.user_id if target else None,
            message_id=message.message_id if message else None,
            message=message,
            bot=platform.member("modbot", rank=60),
            at=self.clock(),
        )
        return await self.core.on_command(invocation)

    async def statuses(self) -> list[tuple[str, str]]:
        from sqlalchemy import text as sql

        async with self.db.read() as conn:
            rows = await conn.execute(sql("SELECT kind, status FROM actions ORDER BY id"))
            return [(r[0], r[1]) for r in rows]


async def build_core(
    path: Path | str, config_text: str | None = None, *others: FakeAdapter
) -> Core:
    """The core with a fake platform `fake` (chat `c1`) and any `others` beside it, on the
    SQLite file `path` or the database URL `path`."""
    base = parse_config(config_text, "test.toml") if config_text else load_config()
    config = config_on(path, base)
    db = Database(config.storage.resolved_url())
    await db.migrate()
    clock = Clock()
    fake = FakeAdapter()
    classifier = build_classifier(config)
    if classifier is not None:
        await classifier.load()
    platforms = {a.platform: a for a in (fake, *others)}
    services = build_services(config, db, platforms, clock, classifier)
    settle_heap()  # as App does once its services are built
    core = BotCore(services)
    for adapter in platforms.values():
        adapter._core = core  # as if `run` had started  # noqa: SLF001
        adapter.ready.set()
    built = Core(config, db, services, core, fake, clock, classifier)
    if classifier is not None:
        built._worker = asyncio.create_task(classifier.run(built._stop))  # noqa: SLF001
    return built
