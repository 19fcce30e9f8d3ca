"""`modbot run` and `modbot discord sync|invite` as a server admin runs them: real processes,
configured by file to use the fake Discord (and the fake Telegram) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.helpers import Clock
from tests.platforms.discord.bot_harness import TOKEN
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.telegram_fake import FakeTelegram
from tests.platforms.telegram_harness import TOKEN as TELEGRAM_TOKEN
from tests.platforms.telegram_world import World

REFUSED = "OTk5OTk5OTk5OTk5OTk5OTk5OTk.XyZ123.refusedTokenNeverValid_abcdefghijk"


def config_file(tmp_path: Path, fake: FakeDiscord, telegram: str = "") -> Path:
    path = tmp_path / "bot.toml"
    path.write_text(
        '[model]\nbackend = "none"\n\n[web]\nenabled = false\n\n'
        f'[storage]\nurl = "sqlite+aiosqlite:///{tmp_path}/a.db"\n\n'
        f'[discord]\napi_base = "{fake.api_base}"\ngateway_url = "{fake.gateway_url}"\n'
        + (f'\n[telegram]\nbase_url = "{telegram}"\npoll_timeout = 1\n' if telegram else ""),
        "utf-8",
    )
    return path


async def modbot(config: Path, *args: str, **tokens: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "NO_PROXY": "127.0.0.1", **tokens}
    env.pop("TELEGRAM_TOKEN", None) if "TELEGRAM_TOKEN" not in tokens else None
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        "--config",
        str(config),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_modbot_run_with_a_refused_token_exits_2_with_one_line(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    fake_discord.world.token = TOKEN
    child = await modbot(config_file(tmp_path, fake_discord), "run", DISCORD_TOKEN=REFUSED)
    out, err = await asyncio.wait_for(child.communicate(), 60)
    lines = err.decode().splitlines()
    assert child.returncode == 2, err.decode()
    assert len(lines) == 1 and "discord.token_env" in lines[0]
    assert "[discord] token_env" in lines[0] and "$DISCORD_TOKEN" in lines[0]
    assert REFUSED.split(".")[2] not in err.decode() and out == b""


async def test_modbot_discord_sync_registers_the_commands(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    fake_discord.world.token = TOKEN
    config = config_file(tmp_path, fake_discord)
    child = await modbot(config, "discord", "sync", DISCORD_TOKEN=TOKEN)
    out, err = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode == 0, err.decode()
    assert out.decode().startswith("modbot: registered 20 slash commands and 1 message menu")
    (put,) = fake_discord.calls_to("PUT", "/applications/{}/commands")
    assert {c["name"] for c in put.json} >= {"ban", "report", "rules", "Report message"}
    assert fake_discord.gateway.connections == [], "syncing needs no gateway"
    invite = await modbot(config, "discord", "invite", DISCORD_TOKEN=TOKEN)
    link, _ = await asyncio.wait_for(invite.communicate(), 60)
    assert link.decode().startswith("https://discord.com/oauth2/authorize?client_id=")
    assert "scope=bot+applications.commands" in link.decode()


async def test_modbot_run_serves_discord_and_telegram_together(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    fake_discord.world.token = TOKEN
    async with FakeTelegram(World(Clock()), TELEGRAM_TOKEN) as telegram:
        config = config_file(tmp_path, fake_discord, telegram.base_url)
        child = await modbot(config, "run", DISCORD_TOKEN=TOKEN, TELEGRAM_TOKEN=TELEGRAM_TOKEN)
        assert child.stderr is not None
        banners = [await asyncio.wait_for(child.stderr.readline(), 60) for _ in range(2)]
        child.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(child.communicate(), 30)
    assert child.returncode == 0, rest.decode()
    started = sorted(line.decode().split(" ")[1] for line in banners)
    assert started == ["discord", "telegram"], banners
    assert "modbot: discord modbot (1 servers)" in b"".join(banners).decode()
    assert rest.decode().strip() == "modbot: stopped"
    assert [c.path for c in fake_discord.calls[:2]] == ["/users/@me", "/oauth2/applications/@me"]
