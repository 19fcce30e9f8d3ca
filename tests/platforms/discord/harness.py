"""Running a real discord.py client against the fake: fast options, start, ready, clean stop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import discord
from discord.ext import commands

from tests.platforms.discord.fake_discord import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)


def intents() -> discord.Intents:
    """Default intents plus the two privileged ones a moderation bot needs."""
    chosen = discord.Intents.default()
    chosen.members = True
    chosen.message_content = True
    return chosen


def fast_options() -> dict[str, Any]:
    """Client options that keep discord.py's waits sub-second (see platform-fakes.md §2.3).

    `heartbeat_timeout` stays at its default: discord.py also uses it as the socket's receive
    timeout, so a small value makes an idle client reconnect every time it elapses.
    """
    return {
        "intents": intents(),
        "guild_ready_timeout": 0.02,
        "max_ratelimit_timeout": 30.0,
        "allowed_mentions": discord.AllowedMentions.none(),
    }


class FastIdentify:
    """Skip discord.py's 5 s sleep before a non-initial IDENTIFY (a documented hook)."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


class FastBot(FastIdentify, commands.Bot):
    """A `commands.Bot` with the fast options; `command_prefix` is unused (slash only)."""

    def __init__(self, **options: Any) -> None:
        super().__init__(command_prefix=commands.when_mentioned, **(fast_options() | options))


class FastClient(FastIdentify, discord.Client):
    def __init__(self, **options: Any) -> None:
        super().__init__(**(fast_options() | options))


@asynccontextmanager
async def running(
    client: ClientT,
    fake: FakeDiscord,
    timeout: float = 5.0,  # noqa: ASYNC109
) -> AsyncIterator[ClientT]:
    """Start `client`, wait for `on_ready`, and on exit close it and await its task.

    A client task that dies early (a payload discord.py cannot parse) fails the test with the
    original error instead of a timeout.
    """
    task = asyncio.create_task(client.start(fake.world.token))
    try:
        async with asyncio.timeout(timeout):
            while not client.is_ready():
                if task.done():
                    task.result()
                    raise AssertionError("the client stopped before it was ready")
                await asyncio.sleep(0.005)
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, timeout)
        for thread in keep_alive_threads():
            thread.join(timeout)


def keep_alive_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("keep-alive-handler")]


def collect(bot: commands.Bot, event: str) -> asyncio.Queue[Any]:
    """A queue of what `on_<event>` receives (one argument, or a tuple of several)."""
    queue: asyncio.Queue[Any] = asyncio.Queue()

    async def put(*args: Any) -> None:
        queue.put_nowait(args[0] if len(args) == 1 else args)

    bot.add_listener(put, f"on_{event}")
    return queue


async def next_of(queue: asyncio.Queue[Any], timeout: float = 2.0) -> Any:  # noqa: ASYNC109
    return await asyncio.wait_for(queue.get(), timeout)
