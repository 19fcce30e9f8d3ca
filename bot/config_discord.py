"""The `[discord]` config section: token variable, who moderates, the gate's role, limits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from bot.config_base import Strict
from rules.base import Duration

if TYPE_CHECKING:
    from bot.config import CommunityConfig

PLATFORM = "discord"


class DiscordConfig(Strict):
    token_env: str = "DISCORD_TOKEN"
    moderator_roles: list[str] = []
    """Roles (ids or names) whose members are moderators, besides the members holding the
    Manage Messages, Moderate Members or Ban Members permission."""
    verified_role: str | None = None
    """The role (id or name) the welcome gate grants; unset: the gate times newcomers out
    until they pass it."""
    max_ratelimit_timeout: Duration = timedelta(seconds=30)
    send_retries: list[float] = Field(default=[1.0, 3.0], max_length=5)
    api_base: str | None = None
    """Discord's REST API (tests and proxies only): `http://127.0.0.1:8080/api/v10`."""
    gateway_url: str | None = None
    """Discord's gateway (tests and proxies only): `ws://127.0.0.1:8080/gateway/`."""
    shard_id: int | None = None
    """With `shard_count`: this process connects as that shard, and hears the servers with
    `(server id >> 22) % shard_count == shard_id` (one process per shard, same token)."""
    shard_count: int | None = None

    @field_validator("moderator_roles")
    @classmethod
    def _roles(cls, values: list[str]) -> list[str]:
        if any(not value.strip() for value in values):
            raise ValueError("role names or ids cannot be empty")
        return values

    @field_validator("max_ratelimit_timeout")
    @classmethod
    def _cap(cls, value: timedelta) -> timedelta:
        if not timedelta(seconds=30) <= value <= timedelta(minutes=10):
            raise ValueError(f"must be between 30s and 10m (got {value})")
        return value


def _snowflake(value: str) -> bool:
    return value.isdigit() and 15 <= len(value) <= 21


def discord_problems(
    section: DiscordConfig, communities: Sequence[CommunityConfig]
) -> list[tuple[str, str]]:
    """What the `[discord]` section and the communities' Discord ids cannot be, as (dotted
    key, problem with its fix)."""
    problems: list[tuple[str, str]] = []
    for key, value, schemes in (
        ("discord.api_base", section.api_base, ("http://", "https://")),
        ("discord.gateway_url", section.gateway_url, ("ws://", "wss://")),
    ):
        if value is not None and not value.startswith(schemes):
            problems.append((key, f"must start with {' or '.join(schemes)} (got {value!r})"))
    problems.extend(_shard_problems(section))
    copy = "turn on Developer Mode in Discord, then right-click it and Copy ID"
    for index, community in enumerate(communities):
        where = f"communities[{index}]"
        for position, guild in enumerate(community.platforms.get(PLATFORM, [])):
            if not _snowflake(guild):
                problems.append(
                    (
                        f"{where}.platforms.discord[{position}]",
                        f"{guild!r} is not a server id; {copy} on the server",
                    )
                )
        for field in ("moderator_channels", "welcome_channels"):
            channel = getattr(community, field).get(PLATFORM)
            if channel is not None and not _snowflake(channel):
                problems.append(
                    (
                        f"{where}.{field}.discord",
                        f"{channel!r} is not a channel id; {copy} on the channel",
                    )
                )
    return problems


def _shard_problems(section: DiscordConfig) -> list[tuple[str, str]]:
    shard, count = section.shard_id, section.shard_count
    if shard is None and count is None:
        return []
    if shard is None or count is None:
        missing = "discord.shard_id" if shard is None else "discord.shard_count"
        return [(missing, "set shard_id and shard_count together, or neither (one process)")]
    if count < 1:
        return [("discord.shard_count", f"must be at least 1 (got {count})")]
    if not 0 <= shard < count:
        return [("discord.shard_id", f"must be from 0 to {count - 1} (got {shard})")]
    return []
