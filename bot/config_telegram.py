"""The `[telegram]` config section: token variable, polling or webhook, rates and timeouts."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Literal

from pydantic import Field

from bot.config_base import Strict
from rules.base import Duration


class WebhookConfig(Strict):
    """Where PTB's webhook server listens, and the public URL Telegram posts updates to."""

    listen: str = "127.0.0.1"
    port: int = Field(default=8443, ge=1, le=65535)
    path: str = "telegram"
    url: str | None = None
    secret_env: str | None = None
    """The variable holding the secret Telegram echoes in every post; unset: a random one a
    start (enough for one process; several processes behind a balancer must share one)."""


class TelegramConfig(Strict):
    token_env: str = "TELEGRAM_TOKEN"
    mode: Literal["polling", "webhook"] = "polling"
    poll_timeout: Duration = timedelta(seconds=30)
    read_timeout: Duration = timedelta(seconds=10)
    base_url: str = "https://api.telegram.org"
    overall_per_second: float = Field(default=30, gt=0, le=1000)
    group_per_minute: float = Field(default=20, gt=0, le=100_000)
    admin_cache: Duration = timedelta(minutes=10)
    private_reply_ttl: Duration = timedelta(minutes=1)
    send_retries: list[float] = Field(default=[1.0, 3.0, 10.0], max_length=5)
    webhook: WebhookConfig = WebhookConfig()


def telegram_problems(section: TelegramConfig) -> list[tuple[str, str]]:
    """What the `[telegram]` section cannot be, as (dotted key, problem with its fix)."""
    problems: list[tuple[str, str]] = []
    hook = section.webhook
    if section.mode == "webhook" and not hook.url:
        problems.append(
            (
                "telegram.webhook.url",
                "webhook mode needs the public HTTPS URL Telegram posts updates to; "
                "set it, or use mode = 'polling'",
            )
        )
    if section.mode == "webhook" and hook.secret_env and hook.secret_env not in os.environ:
        problems.append(
            (
                "telegram.webhook.secret_env",
                f"environment variable {hook.secret_env} is not set; "
                "export it or remove secret_env (a random secret is used then)",
            )
        )
    return problems
