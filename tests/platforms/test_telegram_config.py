"""The `[telegram]` section: defaults, and errors that name the key and the fix."""

from __future__ import annotations

import pytest

from bot.config import load_config, parse_config
from bot.config_errors import ConfigError


def test_the_default_polls_with_the_token_from_telegram_token() -> None:
    settings = load_config().telegram
    assert (settings.token_env, settings.mode) == ("TELEGRAM_TOKEN", "polling")
    assert settings.base_url == "https://api.telegram.org"


def test_webhook_mode_without_a_url_names_the_key_and_the_fix() -> None:
    with pytest.raises(ConfigError) as failed:
        parse_config('[telegram]\nmode = "webhook"\n', "bot.toml")
    assert str(failed.value) == (
        "bot.toml: telegram.webhook.url: webhook mode needs the public HTTPS URL Telegram "
        "posts updates to; set it, or use mode = 'polling'"
    )


def test_a_webhook_secret_variable_must_be_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOOK_SECRET", raising=False)
    text = (
        '[telegram]\nmode = "webhook"\n[telegram.webhook]\n'
        'url = "https://bot.example.org/telegram"\nsecret_env = "HOOK_SECRET"\n'
    )
    with pytest.raises(ConfigError, match=r"telegram\.webhook\.secret_env: environment variable"):
        parse_config(text, "bot.toml")
    monkeypatch.setenv("HOOK_SECRET", "s" * 40)
    assert parse_config(text, "bot.toml").telegram.webhook.secret_env == "HOOK_SECRET"


def test_unknown_keys_and_bad_modes_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"telegram\.mode: must be one of"):
        parse_config('[telegram]\nmode = "push"\n', "bot.toml")
    with pytest.raises(ConfigError, match=r"telegram\.tokn_env: is not a known key"):
        parse_config('[telegram]\ntokn_env = "X"\n', "bot.toml")
