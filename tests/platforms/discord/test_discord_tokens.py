"""The bot token never reaches a log line, and a refused token stops the bot cleanly."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.discord import DiscordAdapter
from bot.app import App
from bot.config_errors import ConfigError
from tests.platforms.discord.bot_harness import TOKEN, discord_bot, guild_config
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.faults import route_limited, server_error
from tests.platforms.discord.story import OUTCOMES, SETTINGS, populate, run_story

REFUSED = "OTk5OTk5OTk5OTk5OTk5OTk5OTk.XyZ123.refusedTokenNeverValid_abcdefghijk"


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


def leaks(text: str, *secrets: str) -> list[str]:
    return [line for line in text.splitlines() if any(s in line for s in secrets)]


async def test_the_whole_scenario_at_debug_logs_no_token(
    tmp_path: Path, fake_discord: FakeDiscord, log_text: io.StringIO
) -> None:
    populate(fake_discord)
    fake_discord.inject("DELETE", "/channels/{}/messages/{}", server_error(500))
    fake_discord.inject("POST", "/channels/{}/messages", route_limited(0.05))
    async with discord_bot(tmp_path, fake_discord, SETTINGS, outcomes=OUTCOMES) as dc:
        await run_story(dc)
    written = log_text.getvalue()
    assert "has returned 204" in written and "WebSocket Event" in written, "DEBUG was on"
    assert "/interactions/" in written and "<redacted>" in written
    tokens = [ix.token for ix in fake_discord.interactions.by_id.values()]
    assert tokens and leaks(written, TOKEN, *tokens) == []
    assert TOKEN.split(".")[2] not in written


async def test_a_refused_token_is_one_config_error_naming_the_key(
    tmp_path: Path, fake_discord: FakeDiscord, log_text: io.StringIO
) -> None:
    fake_discord.world.token = TOKEN
    config = guild_config(tmp_path, fake_discord)
    adapter = DiscordAdapter(config, REFUSED, source="bot.toml")
    with pytest.raises(ExceptionGroup) as failed:
        await App(config, [adapter]).run()
    (problem,) = failed.value.exceptions
    assert isinstance(problem, ConfigError)
    assert str(problem).startswith(
        "bot.toml: discord.token_env: Discord refused the token in $DISCORD_TOKEN "
        "([discord] token_env)"
    )
    assert [c.status for c in fake_discord.calls] == [401]
    assert leaks(log_text.getvalue() + str(problem), REFUSED) == []


async def test_privileged_intents_off_in_the_portal_say_where_to_turn_them_on(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    fake_discord.world.enabled_intents = 1 << 15  # Message Content only
    with pytest.raises(ExceptionGroup) as failed:
        async with discord_bot(tmp_path, fake_discord, synced=False):
            pass
    (problem,) = failed.value.exceptions
    assert isinstance(problem, ConfigError)
    assert "Privileged Gateway Intents" in str(problem)
