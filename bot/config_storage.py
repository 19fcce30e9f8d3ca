"""The [storage] and [privacy] sections: where the audit log lives, how processes share it,
and how long message content is kept."""

from __future__ import annotations

import os

from pydantic import Field, field_validator

from bot.config_base import Strict


class StorageConfig(Strict):
    url: str = "sqlite+aiosqlite:///modbot.db"
    url_env: str | None = None
    instance: str = "main"
    """This process's name among the processes sharing one database: each claims the actions
    it applies under it, and a restarted process takes its own claims back at once."""
    pool_size: int = Field(default=10, ge=2, le=200)
    redis_url: str | None = None
    redis_url_env: str | None = None

    @field_validator("instance")
    @classmethod
    def _instance(cls, value: str) -> str:
        if not value or len(value) > 64 or not value.isprintable():
            raise ValueError(f"must be 1 to 64 printable characters (got {value!r})")
        return value

    def resolved_url(self) -> str:
        """The database URL: from the environment variable when `url_env` names one."""
        if self.url_env:
            return os.environ[self.url_env]
        return self.url

    def resolved_redis_url(self) -> str | None:
        """Redis for the shared flood and duplicate windows, if configured."""
        if self.redis_url_env:
            return os.environ.get(self.redis_url_env) or None
        return self.redis_url


class PrivacyConfig(Strict):
    retention_days: int = Field(default=30, ge=1, le=36_500)
    """Message excerpts and evidence are erased from the audit log this many days after the
    case; the decisions, actions and counts stay."""
