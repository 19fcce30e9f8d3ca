"""The modbot process that tests/test_crash_loop.py kills again and again: the real App on a
scripted run of messages, its platform a fake that logs every call it receives (durably)
and behaves like a platform: deleting a message twice finds it gone, a second ban or
timeout changes nothing, a second notice is a second notice."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import text as sql

from adapters.base import TargetGone
from adapters.fake import FakeAdapter
from bot.actions import Action
from bot.app import App
from bot.config import parse_config
from storage.audit import AuditLog, Prepared, Recorded
from tests.conftest import config_on

POLICY = """
[model]
backend = "none"
[web]
enabled = false
[[guidelines]]
id = "language"
title = { en = "Keep it clean", id = "Jaga bahasa" }
text = { en = "No swearing.", id = "Dilarang memaki." }
[[rules]]
name = "profanity"
type = "words"
guideline = "language"
params = { words = ["frak"] }
on_match = { delete = true, sanction = "warn" }
"""
SCRIPT = [
    (f"member{n % 9}", f"frak number {n}" if n % 2 == 0 else f"hello number {n}", f"s{n}")
    for n in range(300)
]
REDELIVERED = 3
"""A restart gets the last messages it handled again (the platform never heard that they
were done), like Telegram's unconfirmed updates."""
PACE = 0.002
"""Seconds between two messages of the script, so a run lasts about half a second."""


def _append(path: Path, line: str, sync: bool) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
        out.flush()
        if sync:
            os.fsync(out.fileno())


class Platform(FakeAdapter):
    """Logs each call before answering it, as the platform would have done it."""

    def __init__(self, calls: Path) -> None:
        super().__init__(calls_file=None)
        self._log = calls
        self._seen = {
            json.loads(line)["key"]
            for line in (calls.read_text().splitlines() if calls.exists() else [])
        }

    async def apply(self, action: Action) -> None:
        again = action.key in self._seen
        self._seen.add(action.key)
        line = json.dumps({"key": action.key, "kind": str(action.kind), "again": again})
        await asyncio.to_thread(_append, self._log, line, True)
        if again and action.kind == "delete":
            raise TargetGone("Unknown Message")


async def scenario(url: str, calls: Path, acks: Path, done: Path) -> None:
    config = config_on(url, parse_config(POLICY, "crash.toml"))
    record = AuditLog.record_prepared

    async def acknowledged(
        self: AuditLog, prepare: Callable[[Any], Prepared[Any]], *args: Any, **kwargs: Any
    ) -> tuple[Recorded, Any]:
        done = await record(self, prepare, *args, **kwargs)
        async with self.db.read() as conn:
            origin = await conn.scalar(
                sql("SELECT origin_key FROM cases WHERE id = :id"), {"id": done[0].case_id}
            )
        await asyncio.to_thread(_append, acks, origin, False)
        return done

    AuditLog.record_prepared = acknowledged  # type: ignore[method-assign]
    platform = Platform(calls)
    app = asyncio.create_task(App(config, [platform]).run())
    await platform.ready.wait()
    handled = len(done.read_text().splitlines()) if done.exists() else 0  # noqa: ASYNC240
    for author, text, message_id in SCRIPT[max(0, handled - REDELIVERED) :]:
        await platform.deliver(platform.message(text, author=author, message_id=message_id))
        await asyncio.to_thread(_append, done, message_id, False)
        await asyncio.sleep(PACE)
    await asyncio.sleep(0.05)
    platform.close()
    await app


def run(url: str, calls: str, acks: str, done: str) -> None:
    """The child's entry point (a multiprocessing target)."""
    asyncio.run(scenario(url, Path(calls), Path(acks), Path(done)))
