"""The App: builds every dependency from the config and runs adapters and workers together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from adapters.base import Adapter
from bot.classifier import BatchingClassifier
from bot.config import Config, load_config
from bot.config_errors import ConfigError
from bot.config_web import is_loopback
from bot.core import Core
from bot.events import utcnow
from bot.heap import keep_heap, settle_heap
from bot.models import build_model
from bot.policy import build_policy
from bot.services import Services, build_services
from bot.shared_window import SharedWindow
from storage.db import Database
from storage.privacy import keep_content_for

if TYPE_CHECKING:
    from bot.web.server import Dashboard

log = logging.getLogger(__name__)


def build_classifier(config: Config) -> BatchingClassifier | None:
    model = build_model(config.model.backend, config.model.params)
    if model is None:
        return None
    return BatchingClassifier(
        model,
        batch_size=config.model.batch_size,
        wait=config.model.batch_wait_ms / 1000,
        timeout=config.model.timeout.total_seconds(),
    )


class App:
    """One process, one loop: the database, the model worker, the executor's retries, the
    escalation and welcome-gate deadlines, the health counters and every adapter run in one
    TaskGroup. When all adapters finish (the playground reached the end of its input), the
    workers stop, the counters are flushed and the database closes."""

    def __init__(
        self,
        config: Config,
        adapters: Sequence[Adapter],
        clock: Callable[[], datetime] = utcnow,
        config_path: Path | None = None,
        announce: Callable[[str], None] | None = None,
    ) -> None:
        self.config = config
        self.adapters = list(adapters)
        self.clock = clock
        self.config_path = config_path
        self.announce = announce
        """Told the dashboard's address (and a one-time login link) once it listens."""
        self.services: Services | None = None
        self.dashboard: Dashboard | None = None

    async def run(self) -> None:
        storage = self.config.storage
        db = Database(storage.resolved_url(), pool_size=storage.pool_size)
        redis_url = storage.resolved_redis_url()
        window = SharedWindow.connect(redis_url) if redis_url else None
        try:
            await db.migrate()
            classifier = build_classifier(self.config)
            if classifier is not None:
                await classifier.load()
            platforms = {a.platform: a for a in self.adapters}
            services = build_services(
                self.config, db, platforms, self.clock, classifier, storage.instance, window
            )
            services.reload = self._reloader(services)
            self.services = services
            settle_heap()  # the model, the libraries, the policies: all alive for good
            released = await services.executor.release_own()
            if released:
                log.info(
                    "took back %d action(s) this process was applying when it stopped", released
                )
            core = Core(services)
            self.dashboard = await self._start_dashboard(services, core, db, platforms)
            stop = asyncio.Event()
            async with asyncio.TaskGroup() as tasks:
                if classifier is not None:
                    tasks.create_task(classifier.run(stop))
                tasks.create_task(services.executor.retry_forever(stop))
                tasks.create_task(services.escalations.run(stop))
                tasks.create_task(services.welcome.run(stop))
                tasks.create_task(services.metrics.run(stop))
                tasks.create_task(services.backlog.run(stop))
                tasks.create_task(keep_heap(stop))
                days = self.config.privacy.retention_days
                tasks.create_task(keep_content_for(db, days, self.clock, stop))
                runners = [tasks.create_task(a.run(core)) for a in self.adapters]
                await asyncio.gather(*(a.ready.wait() for a in self.adapters))
                reconciled = await services.executor.reconcile()
                if reconciled:
                    log.info("reconciled %d pending action(s) from before the restart", reconciled)
                try:
                    await asyncio.gather(*runners)
                finally:
                    stop.set()
            await services.metrics.flush()
        finally:
            if self.dashboard is not None:
                await self.dashboard.stop()
            if window is not None:
                await window.close()
            await db.close()

    async def _start_dashboard(
        self, services: Services, core: Core, db: Database, platforms: dict[str, Adapter]
    ) -> Dashboard | None:
        """Serve the dashboard when [web] is enabled, on this loop; tell `announce` its
        address and, on a loopback host, a one-time login link for the local admin."""
        web = self.config.web
        if not web.enabled:
            return None
        from bot.web.server import Dashboard

        dashboard = Dashboard(services, core, db, platforms.get("playground"))
        url = await dashboard.start()
        if url is None:
            return None
        if self.announce is not None:
            lines = [f"modbot: dashboard {url}"]
            if web.login_link and is_loopback(web.host):
                link = await dashboard.login_link()
                lines.append(
                    f"modbot: sign in as the local admin (one-time link, 15 minutes): {link}"
                )
            self.announce("\n".join(lines))
        return dashboard

    def _reloader(self, services: Services):  # type: ignore[no-untyped-def]
        async def reload() -> tuple[str | None, str]:
            """Read the config file again; keep the old config if the new one has errors."""
            if self.config_path is None:
                return "started on the embedded defaults: there is no file to reload", ""
            try:
                config = load_config(self.config_path)
            except ConfigError as exc:
                return str(exc), ""
            services.reconfigure(config)
            version = build_policy(config, config.community_for("", "")).version
            return None, version

        return reload
