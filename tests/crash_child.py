"""A modbot process whose platform never finishes an action; test_crash.py kills it mid-way."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from adapters.fake import FakeAdapter
from bot.app import App
from tests.conftest import config_on


async def main(db: Path, calls: Path, text: str, message_id: str) -> None:
    fake = FakeAdapter(calls_file=calls, hang=True)
    app = asyncio.create_task(App(config_on(db), [fake]).run())
    await fake.ready.wait()
    await fake.deliver(fake.message(text, author="bob", message_id=message_id))
    await app


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]))
