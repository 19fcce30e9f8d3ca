"""The bot token never reaches a log line, and a refused token stops `modbot run` cleanly."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from adapters.telegram import TelegramAdapter
from bot.app import App
from bot.config_errors import ConfigError
from tests.helpers import Clock
from tests.platforms.telegram_fake import FakeTelegram, Fault
from tests.platforms.telegram_harness import (
    EKO,
    GROUP,
    SARI,
    TOKEN,
    group_config,
    populate,
    telegram_bot,
)
from tests.platforms.telegram_story import OUTCOMES, SETTINGS, run_story
from tests.platforms.telegram_world import World

REFUSED = "9876543210:AAFrefusedTokenNeverValid_abcdefghijklmn"


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG, formatted with tracebacks, as a handler would write it."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        root.setLevel(before)


def leaks(text: str, token: str) -> list[str]:
    secret = token.split(":", 1)[1]
    shapes = (token, quote(token, safe=""), secret)
    return [line for line in text.splitlines() if any(s in line for s in shapes)]


async def test_the_whole_scenario_at_debug_logs_no_token(
    tmp_path: Path, log_text: io.StringIO
) -> None:
    async with telegram_bot(tmp_path, SETTINGS, outcomes=OUTCOMES) as tg:
        await run_story(tg)
    async with telegram_bot(tmp_path / "faults") as tg:
        tg.fake.fail("getUpdates", Fault(502, html=True))
        tg.fake.fail("deleteMessage", Fault(500), Fault(429, retry_after=0.05))
        tg.world.say(GROUP, SARI, "halo")
        tg.world.say(GROUP, EKO, "dasar faggot")
        await tg.settle()
        await tg.reconcile()
    written = log_text.getvalue()
    assert "HTTP Request: POST" in written and "getUpdates" in written, "DEBUG was on"
    assert "Traceback" in written, "the 502 page was logged with its traceback"
    assert "<redacted>" in written
    assert leaks(written, TOKEN) == []


async def test_a_refused_token_logs_no_token_either(tmp_path: Path, log_text: io.StringIO) -> None:
    world = World(Clock())
    populate(world)
    async with FakeTelegram(world, TOKEN) as fake:
        config = group_config(tmp_path, fake.base_url)
        adapter = TelegramAdapter(config, REFUSED, source="bot.toml")
        with pytest.raises(ExceptionGroup) as failed:
            await App(config, [adapter]).run()
    (problem,) = failed.value.exceptions
    assert isinstance(problem, ConfigError)
    assert str(problem).startswith("bot.toml: telegram.token_env: Telegram refused the token")
    assert REFUSED not in str(problem)
    assert [c.status for c in fake.calls] == [401]
    assert leaks(log_text.getvalue(), REFUSED) == []


async def modbot_run(tmp_path: Path, base_url: str, token: str) -> asyncio.subprocess.Process:
    config = tmp_path / "bot.toml"
    config.write_text(
        f'[model]\nbackend = "none"\n\n[storage]\nurl = "sqlite+aiosqlite:///{tmp_path}/a.db"\n'
        f'\n[telegram]\nbase_url = "{base_url}"\npoll_timeout = 1\n',
        "utf-8",
    )
    env = {**os.environ, "TELEGRAM_TOKEN": token, "NO_PROXY": "127.0.0.1"}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_modbot_run_with_a_refused_token_exits_2_with_one_line(tmp_path: Path) -> None:
    world = World(Clock())
    async with FakeTelegram(world, TOKEN) as fake:
        child = await modbot_run(tmp_path, fake.base_url, REFUSED)
        out, err = await asyncio.wait_for(child.communicate(), 60)
    lines = err.decode().splitlines()
    assert child.returncode == 2, err.decode()
    assert len(lines) == 1 and "[telegram] token_env" in lines[0]
    assert "TELEGRAM_TOKEN" in lines[0] and REFUSED.split(":")[1] not in err.decode()
    assert out == b""


async def test_modbot_run_without_telegram_in_reach_exits_1_with_one_line(
    tmp_path: Path,
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    child = await modbot_run(tmp_path, closed, TOKEN)
    _, err = await asyncio.wait_for(child.communicate(), 60)
    lines = err.decode().splitlines()
    assert child.returncode == 1, err.decode()
    assert len(lines) == 1 and lines[0].startswith(f"modbot: cannot reach Telegram at {closed}")
    assert TOKEN.split(":")[1] not in err.decode()


async def test_modbot_run_connects_and_stops_on_sigterm(tmp_path: Path) -> None:
    world = World(Clock())
    async with FakeTelegram(world, TOKEN) as fake:
        child = await modbot_run(tmp_path, fake.base_url, TOKEN)
        assert child.stderr is not None
        banner = await asyncio.wait_for(child.stderr.readline(), 60)
        assert banner.decode().startswith("modbot: telegram @modbot_test_bot (polling)")
        child.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(child.communicate(), 30)
    assert child.returncode == 0, rest.decode()
    assert rest.decode().strip() == "modbot: stopped"
    # The fake records a call when it answers it, so the long poll the stop abandoned may be
    # recorded after the short poll that confirmed the offset: look for that one.
    polls = [c.params["timeout"] for c in fake.calls if c.method == "getUpdates"]
    assert polls.count("0") == 1, f"one short poll confirmed the offset on stop: {polls}"
