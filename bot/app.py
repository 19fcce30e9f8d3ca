"""The App: builds every dependency from the config and runs adapters and workers together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from adapters.base import Adapter
from bot.classifier import BatchingClassifier
from bot.config import Config
from bot.events import utcnow
from bot.executor import Executor
from bot.models import build_model
from bot.pipeline import Pipeline
from storage.audit import AuditLog
from storage.db import Database

log = logging.getLogger(__name__)


def build_classifier(config: Config) -> BatchingClassifier | None:
    model = build_model(config.model)
    if model is None:
        return None
    return BatchingClassifier(
        model,
        batch_size=config.model.batch_size,
        wait=config.model.batch_wait_ms / 1000,
        timeout=config.model.timeout.total_seconds(),
    )


class App:
    """One process, one loop: the database, the model worker, the executor's retry worker and
    every adapter run in one TaskGroup. When all adapters finish (the playground reached the
    end of its input), the workers stop and the database closes."""

    def __init__(
        self,
        config: Config,
        adapters: Sequence[Adapter],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.adapters = list(adapters)
        self.clock = clock

    async def run(self) -> None:
        db = Database(self.config.storage.resolved_url())
        try:
            await db.migrate()
            audit = AuditLog(db)
            classifier = build_classifier(self.config)
            executor = Executor(audit, {a.platform: a for a in self.adapters}, self.clock)
            pipeline = Pipeline(
                self.config, clock=self.clock, classifier=classifier, audit=audit, executor=executor
            )
            stop = asyncio.Event()
            async with asyncio.TaskGroup() as tasks:
                if classifier is not None:
                    tasks.create_task(classifier.run(stop))
                tasks.create_task(executor.retry_forever(stop))
                runners = [tasks.create_task(a.run(pipeline)) for a in self.adapters]
                await asyncio.gather(*(a.ready.wait() for a in self.adapters))
                reconciled = await executor.reconcile()
                if reconciled:
                    log.info("reconciled %d pending action(s) from before the restart", reconciled)
                try:
                    await asyncio.gather(*runners)
                finally:
                    stop.set()
        finally:
            await db.close()
