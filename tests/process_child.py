"""One modbot process of a multi-process test: the real core on a shared database, a fake
platform that logs its calls to a file, and a scripted job started on a signal.

    python -m tests.process_child SPEC.json

SPEC: url, worker (this process's name), config (TOML text), now (ISO time of its clock),
calls (file its platform appends applied actions to), ready / go (files: it creates `ready`
once built and starts when `go` exists), out (file it writes its results to, JSON), job
("reconcile", "vote" with `votes`, or "say" with `messages`).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from adapters.fake import FakeAdapter
from bot.config import parse_config
from bot.core import Core
from bot.events import Vote
from bot.services import build_services
from storage.db import Database
from tests.conftest import config_on


async def _job(spec: dict[str, Any], core: Core, fake: FakeAdapter) -> Any:
    services = core.services
    now = datetime.fromisoformat(spec["now"])
    if spec["job"] == "reconcile":
        return {"tried": await services.executor.reconcile()}
    bot = fake.member("modbot", rank=60)
    if spec["job"] == "vote":
        answers = await asyncio.gather(
            *(
                core.on_vote(Vote(esc, verdict, fake.member(voter, moderator=True), now, bot))
                for esc, verdict, voter in spec["votes"]
            )
        )
        return [a.text for a in answers]
    decisions = await asyncio.gather(
        *(
            fake.deliver(fake.message(text, author=author, message_id=mid, sent_at=now))
            for author, text, mid in spec["messages"]
        )
    )
    return [d.label if d is not None else None for d in decisions]


async def main(spec: dict[str, Any]) -> None:
    config = config_on(spec["url"], parse_config(spec["config"], "test.toml"))
    now = datetime.fromisoformat(spec["now"])
    db = Database(spec["url"])
    fake = FakeAdapter(calls_file=Path(spec["calls"]))
    services = build_services(config, db, {fake.platform: fake}, lambda: now, None, spec["worker"])
    core = Core(services)
    fake._core = core  # as if `run` had started  # noqa: SLF001
    fake.ready.set()
    async with db.read():
        pass  # connected
    await asyncio.to_thread(_ready_then_wait, Path(spec["ready"]), Path(spec["go"]))
    result = await _job(spec, core, fake)
    await asyncio.to_thread(Path(spec["out"]).write_text, json.dumps(result))
    await db.close()


def _ready_then_wait(ready: Path, go: Path) -> None:
    ready.touch()
    while not go.exists():
        time.sleep(0.001)


if __name__ == "__main__":
    asyncio.run(main(json.loads(Path(sys.argv[1]).read_text())))
