"""The `[discord]` section: defaults, and errors that name the file, the key and the fix."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import load_config, parse_config
from bot.config_errors import ConfigError

GUILD, CHANNEL = "800000000000000001", "810000000000000001"


def test_the_default_reads_the_token_from_discord_token() -> None:
    settings = load_config().discord
    assert settings.token_env == "DISCORD_TOKEN"
    assert settings.max_ratelimit_timeout == timedelta(seconds=30)
    assert settings.api_base is None and settings.gateway_url is None


def test_a_community_names_its_server_and_channels_by_id() -> None:
    config = parse_config(
        f'[[communities]]\nid = "c"\nplatforms = {{ discord = ["{GUILD}"] }}\n'
        f'moderator_channels = {{ discord = "{CHANNEL}" }}\n'
        f'welcome_channels = {{ discord = "{CHANNEL}" }}\n',
        "bot.toml",
    )
    assert config.community_for("discord", GUILD).welcome_channels == {"discord": CHANNEL}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[communities]]\nid = "c"\nplatforms = { discord = ["Test Guild"] }\n',
            "bot.toml: communities[0].platforms.discord[0]: 'Test Guild' is not a server id; "
            "turn on Developer Mode in Discord, then right-click it and Copy ID on the server",
        ),
        (
            '[[communities]]\nid = "c"\nmoderator_channels = { discord = "#mod-log" }\n',
            "bot.toml: communities[0].moderator_channels.discord: '#mod-log' is not a channel "
            "id; turn on Developer Mode in Discord, then right-click it and Copy ID on the "
            "channel",
        ),
        (
            '[discord]\napi_base = "127.0.0.1:8080"\n',
            "bot.toml: discord.api_base: must start with http:// or https:// "
            "(got '127.0.0.1:8080')",
        ),
        (
            '[discord]\nmax_ratelimit_timeout = "5s"\n',
            "bot.toml: discord.max_ratelimit_timeout: must be between 30s and 10m (got 0:00:05)",
        ),
        (
            '[discord]\nmoderator_roles = ["Moderator", " "]\n',
            "bot.toml: discord.moderator_roles: role names or ids cannot be empty",
        ),
        (
            "[discord]\nshard_id = 1\n",
            "bot.toml: discord.shard_count: set shard_id and shard_count together, or neither "
            "(one process)",
        ),
        (
            "[discord]\nshard_id = 2\nshard_count = 2\n",
            "bot.toml: discord.shard_id: must be from 0 to 1 (got 2)",
        ),
        (
            "[discord]\nshard_id = 0\nshard_count = 0\n",
            "bot.toml: discord.shard_count: must be at least 1 (got 0)",
        ),
    ],
    ids=[
        "guild-name",
        "channel-name",
        "api-base",
        "rate-limit",
        "empty-role",
        "shard-alone",
        "shard-too-high",
        "no-shards",
    ],
)
def test_mistakes_name_the_key_and_the_fix(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as failed:
        parse_config(text, "bot.toml")
    assert str(failed.value) == expected


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"discord\.tokn_env: is not a known key"):
        parse_config('[discord]\ntokn_env = "X"\n', "bot.toml")
