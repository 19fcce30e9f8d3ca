"""`modbot run` on the platforms whose tokens are set: one App, stopped cleanly by SIGINT or
SIGTERM, with one banner line per platform once it is connected."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from adapters.base import Adapter, Unreachable
from bot.app import App
from bot.config import Config
from bot.config_errors import ConfigError

E = TypeVar("E", bound=BaseException)
EXIT_UNREACHABLE = 1


class Platform(Adapter, Protocol):
    """An adapter `modbot run` can stop and announce."""

    def close(self) -> None: ...

    def describe(self) -> str: ...


def _first(group: BaseExceptionGroup[BaseException], kind: type[E]) -> E | None:
    for found in group.exceptions:
        if isinstance(found, kind):
            return found
        if isinstance(found, BaseExceptionGroup):
            inner = _first(found, kind)
            if inner is not None:
                return inner
    return None


def run_platforms(
    config: Config, platforms: Sequence[Platform], source: str, config_path: Path | None
) -> int:
    """Run until stopped. A refused token (or a setup the platform refuses) raises the
    ConfigError naming the key to fix (the CLI prints its one line and exits 2); a platform
    out of reach at the start is one line and exit status 1."""
    app = App(config, platforms, config_path=config_path)
    storage = config.storage
    where = f"${storage.url_env}" if storage.url_env else storage.url

    async def announce(platform: Platform) -> None:
        await platform.ready.wait()
        print(
            f"modbot: {platform.describe()}, config {source}, audit log {where}",
            file=sys.stderr,
        )

    def stop() -> None:
        for platform in platforms:
            platform.close()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for name in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(name, stop)
        told = [asyncio.create_task(announce(p)) for p in platforms]
        try:
            await app.run()
        finally:
            for task in told:
                task.cancel()

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
