"""`modbot run` on Telegram: the App with the adapter, stopped cleanly by SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import TypeVar

from adapters.telegram.adapter import TelegramAdapter, Unreachable
from bot.app import App
from bot.config import Config
from bot.config_errors import ConfigError

E = TypeVar("E", bound=BaseException)
EXIT_UNREACHABLE = 1


def _first(group: BaseExceptionGroup[BaseException], kind: type[E]) -> E | None:
    for found in group.exceptions:
        if isinstance(found, kind):
            return found
        if isinstance(found, BaseExceptionGroup):
            inner = _first(found, kind)
            if inner is not None:
                return inner
    return None


def run_telegram(config: Config, token: str, source: str, config_path: Path | None) -> int:
    """Run until stopped. A refused token raises the ConfigError naming `[telegram]
    token_env` (the CLI prints its one line and exits 2); Telegram out of reach at the start
    is one line and exit status 1."""
    adapter = TelegramAdapter(config, token, source=source)
    app = App(config, [adapter], config_path=config_path)
    storage = config.storage
    where = f"${storage.url_env}" if storage.url_env else storage.url

    async def announce() -> None:
        await adapter.ready.wait()
        print(
            f"modbot: telegram @{adapter.username} ({config.telegram.mode}), "
            f"config {source}, audit log {where}",
            file=sys.stderr,
        )

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, adapter.close)
        told = asyncio.create_task(announce())
        try:
            await app.run()
        finally:
            told.cancel()

    try:
        asyncio.run(main())
    except BaseExceptionGroup as group:
        problem = _first(group, ConfigError)
        if problem is not None:
            raise problem from None
        unreachable = _first(group, Unreachable)
        if unreachable is None:
            raise
        print(f"modbot: {unreachable}", file=sys.stderr)
        return EXIT_UNREACHABLE
    print("modbot: stopped", file=sys.stderr)
    return 0
