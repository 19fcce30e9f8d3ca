"""The real App with the Telegram adapter (real PTB) against the fake Bot API, on a SQLite file.

async with telegram_bot(tmp_path) as tg:
    tg.world.say(GROUP, SARI, "halo semua")
    await tg.settle()
    assert tg.fake.ok_calls("deleteMessage") == []
"""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.telegram import TelegramAdapter
from bot.app import App
from bot.config import Config, default_config_text
from tests.helpers import Clock
from tests.platforms import telegram_payloads as tp
from tests.platforms.running_bot import RunningBot
from tests.platforms.telegram_fake import FakeTelegram
from tests.platforms.telegram_world import World

TOKEN = "1234567890:AAH7fakeTokenForTestsOnly_x9Qz-LmNoPqRsT"
GROUP, MODS = -1001234567890, -1009876543210
OWNER = tp.user(100, "Pak", username="pakowner")
AYU = tp.user(101, "Ayu", username="ayu_mod")
HADI = tp.user(102, "Hadi")
SARI = tp.user(201, "Sari")
BUDI = tp.user(202, "Budi")
DEWI = tp.user(203, "Dewi")
EKO = tp.user(204, "Eko")
FAJAR = tp.user(205, "Fajar")
GITA = tp.user(206, "Gita", username="gita")
RINA = tp.user(301, "Rina")
MEMBERS = (SARI, BUDI, DEWI, EKO, FAJAR, GITA)


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merge(base[key], value)
        else:
            base[key] = value
    return base


def group_config(
    tmp_path: Path,
    base_url: str,
    extra: dict[str, Any] | None = None,
    outcomes: dict[str, dict[str, Any]] | None = None,
) -> Config:
    """The shipped policy (rules, guidelines, FAQ) without the model, for the community
    `warung` = the test group, speaking Indonesian, with MODS as its moderators' chat.
    `outcomes` replaces the `on_match` of named rules."""
    raw = tomllib.loads(default_config_text())
    raw["model"] = {"backend": "none"}
    raw["rules"] = [rule for rule in raw["rules"] if rule["type"] != "toxicity"]
    for rule in raw["rules"]:
        rule["on_match"] = (outcomes or {}).get(rule["name"], rule["on_match"])
    raw["storage"] = {"url": f"sqlite+aiosqlite:///{tmp_path / 'audit.db'}"}
    raw["telegram"] = {
        "base_url": base_url,
        "poll_timeout": 1,
        "read_timeout": 2,
        "overall_per_second": 1000,
        "group_per_minute": 100_000,
        "send_retries": [0.05, 0.1, 0.2],
        "private_reply_ttl": "1h",
    }
    raw["communities"] = [
        {
            "id": "warung",
            "name": "Warung Kode",
            "language": "id",
            "platforms": {"telegram": [str(GROUP)]},
            "moderator_channels": {"telegram": str(MODS)},
        }
    ]
    return Config.model_validate(merge(raw, extra or {}))


def populate(world: World) -> None:
    """The group (owner, two admins, six members) and the moderators' chat (owner, the admin,
    and Budi, who may read it but is no moderator)."""
    world.group(GROUP, "Warung Kode")
    world.add(GROUP, OWNER, "creator")
    world.add(GROUP, AYU, "administrator")
    world.add(GROUP, HADI, "administrator")
    for person in MEMBERS:
        world.add(GROUP, person)
    world.group(MODS, "Warung Kode: moderator")
    world.add(MODS, OWNER, "creator")
    world.add(MODS, AYU, "administrator")
    world.add(MODS, BUDI)


@dataclass
class Telegram(RunningBot):
    fake: FakeTelegram
    world: World
    config: Config
    clock: Clock
    adapter: TelegramAdapter = field(init=False)
    app: App = field(init=False)
    task: asyncio.Task[None] = field(init=False)
    _served_before: int = 0

    async def start(self) -> None:
        self._served_before = len(self.fake.served)
        self.adapter = TelegramAdapter(self.config, TOKEN, clock=self.clock)
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

    async def settle(self) -> None:
        """Wait (5 s at most) until the fake has handed over every update queued and this
        run of the adapter has handled every update it was handed."""
        async with asyncio.timeout(5):
            while True:
                if self.task.done():
                    self.task.result()
                mine = self.fake.served[self._served_before :]
                if not self.fake.unserved and self.adapter.handled >= max(mine, default=0):
                    return
                await asyncio.sleep(0.005)


@asynccontextmanager
async def telegram_bot(
    tmp_path: Path,
    extra: dict[str, Any] | None = None,
    *,
    outcomes: dict[str, dict[str, Any]] | None = None,
    lifetime: float = 60.0,
) -> AsyncIterator[Telegram]:
    clock = Clock()
    world = World(clock)
    populate(world)
    async with FakeTelegram(world, TOKEN, lifetime=lifetime) as fake:
        config = group_config(tmp_path, fake.base_url, extra, outcomes)
        tg = Telegram(fake, world, config, clock)
        await tg.start()
        try:
            yield tg
        finally:
            if not tg.task.done():
                await tg.stop()
