"""The real App with the Discord adapter (real discord.py) against the fake Discord, on SQLite.

async with discord_bot(tmp_path, fake_discord) as dc:
    await fake_discord.post("alice", "you faggot")
    await dc.settle()
    assert await dc.cases() == [("warn", str(fake_discord.member("alice").id))]
"""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.discord import DiscordAdapter
from adapters.discord.client import ModbotClient
from adapters.discord.commands import sync
from bot.app import App
from bot.commands import COMMANDS
from bot.config import Config, default_config_text
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.harness import FastIdentify
from tests.platforms.running_bot import RunningBot

TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2Nzg.GAbCdE.fakeTokenForTests_abcdefghijklmnop012"


class FastModbot(FastIdentify, ModbotClient):
    """modbot's client without discord.py's 5 s pause before a second IDENTIFY."""


class LiveClock:
    """Real time (the fake Discord stamps everything with it), moved on by `advance`."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def guild_config(
    tmp_path: Path,
    fake: FakeDiscord,
    extra: dict[str, Any] | None = None,
    outcomes: dict[str, dict[str, Any]] | None = None,
) -> Config:
    """The shipped policy (rules, guidelines, FAQ) without the model, for the community
    `test-guild` = the fake's guild, with #mod-log as its moderators' channel and #welcome
    as its welcome channel. `outcomes` replaces the `on_match` of named rules."""
    raw = tomllib.loads(default_config_text())
    raw["model"] = {"backend": "none"}
    raw["rules"] = [rule for rule in raw["rules"] if rule["type"] != "toxicity"]
    for rule in raw["rules"]:
        rule["on_match"] = (outcomes or {}).get(rule["name"], rule["on_match"])
    raw["storage"] = {"url": f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"}
    raw["discord"] = {"send_retries": [0.05, 0.1, 0.2]}
    raw["web"] = {"enabled": False}
    raw["communities"] = [
        {
            "id": "test-guild",
            "name": "Test Guild",
            "platforms": {"discord": [str(fake.world.guild.id)]},
            "moderator_channels": {"discord": str(fake.channel("mod-log").id)},
            "welcome_channels": {"discord": str(fake.channel("welcome").id)},
        }
    ]
    return Config.model_validate(merge(raw, extra or {}))


async def sync_commands(fake: FakeDiscord) -> None:
    """What a server admin does once with `modbot discord sync` (a login, no gateway)."""
    async with FastModbot() as client:
        await client.login(fake.world.token)
        await sync(client, COMMANDS)


@dataclass
class Discord(RunningBot):
    fake: FakeDiscord
    config: Config
    clock: LiveClock
    ack_within: float = 2.0
    adapter: DiscordAdapter = field(init=False)
    app: App = field(init=False)
    task: asyncio.Task[None] = field(init=False)
    retry_step = 30.0  # past discord.py's and the executor's backoff in one step

    async def start(self) -> None:
        self.adapter = DiscordAdapter(
            self.config,
            TOKEN,
            clock=self.clock,
            client_class=FastModbot,
            client_options={"guild_ready_timeout": 0.02},
            ack_within=self.ack_within,
        )
        self.app = App(self.config, [self.adapter], clock=self.clock)
        self.task = asyncio.create_task(self.app.run())
        ready = asyncio.create_task(self.adapter.ready.wait())
        await asyncio.wait({ready, self.task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if self.task.done():
            self.task.result()
        assert ready.done(), "the adapter did not become ready"

    async def stop(self) -> None:
        self.adapter.close()
        await asyncio.wait_for(self.task, 10)

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def _caught_up(self) -> bool:
        client = self.adapter.client
        if client is None or client.ws is None or client.inbound is None:
            return False
        session = self.fake.gateway.sessions.get(client.ws.session_id or "")
        delivered = session is not None and client.ws.sequence == len(session.frames)
        return delivered and client.inbound.idle

    async def settle(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has received every event the fake dispatched and nothing is
        under way any more (three quiet polls in a row)."""
        quiet = 0
        async with asyncio.timeout(timeout):
            while quiet < 3:
                if self.task.done():
                    self.task.result()
                quiet = quiet + 1 if self._caught_up() else 0
                await asyncio.sleep(0.005)


@asynccontextmanager
async def discord_bot(
    tmp_path: Path,
    fake: FakeDiscord,
    extra: dict[str, Any] | None = None,
    *,
    outcomes: dict[str, dict[str, Any]] | None = None,
    synced: bool = True,
    ack_within: float = 2.0,
) -> AsyncIterator[Discord]:
    """The bot running against `fake` (the world's token set to TOKEN, commands synced)."""
    fake.world.token = TOKEN
    if synced:
        await sync_commands(fake)
    config = guild_config(tmp_path, fake, extra, outcomes)
    dc = Discord(fake, config, LiveClock(), ack_within)
    await dc.start()
    try:
        yield dc
    finally:
        if not dc.task.done():
            await dc.stop()
