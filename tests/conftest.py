"""Shared fixtures: the default policy on a throwaway SQLite file, run with a fake platform."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adapters.fake import FakeAdapter
from bot.app import App
from bot.config import Config, StorageConfig, load_config
from storage.db import Database
from storage.queries import AuditQueries, CaseFilter, CaseSummary
from tests.servers import postgres, redis_server, store  # noqa: F401 - shared fixtures


def config_on(path: Path | str, base: Config | None = None) -> Config:
    """The default config (or `base`) with its audit log in the SQLite file `path`, or at the
    database URL `path` (a `store`)."""
    config = base or load_config()
    url = path if isinstance(path, str) else f"sqlite+aiosqlite:///{path}"
    return config.model_copy(update={"storage": StorageConfig(url=url)})


async def read_cases(config: Config, **filters: object) -> list[CaseSummary]:
    db = Database(config.storage.resolved_url())
    try:
        return await AuditQueries(db).cases(CaseFilter(limit=1000, **filters))  # type: ignore[arg-type]
    finally:
        await db.close()


@dataclass
class Running:
    """A running App: deliver messages through `fake`, read cases from `config`'s database."""

    config: Config
    fake: FakeAdapter

    async def cases(self, **filters: object) -> list[CaseSummary]:
        return await read_cases(self.config, **filters)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.db"


@pytest.fixture
async def running(db_path: Path) -> AsyncIterator[Running]:
    config = config_on(db_path)
    fake = FakeAdapter()
    task = asyncio.create_task(App(config, [fake]).run())
    await asyncio.wait_for(fake.ready.wait(), 10)
    try:
        yield Running(config, fake)
    finally:
        fake.close()
        await asyncio.wait_for(task, 10)
