"""The TOML configuration as pydantic models; every error names the file, the key and the fix."""

from __future__ import annotations

import os
import re
import tomllib
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator

from bot.config_base import MAX_TIMEOUT, Language, Localized, SanctionName, Strict, slug
from bot.config_discord import DiscordConfig, discord_problems
from bot.config_errors import ConfigError, describe
from bot.config_sections import (
    EscalationConfig,
    FaqConfig,
    ReportsConfig,
    StrikesConfig,
    TextOverrides,
    WelcomeConfig,
)
from bot.config_storage import PrivacyConfig, StorageConfig
from bot.config_telegram import TelegramConfig, telegram_problems
from bot.config_web import WebConfig, web_problems
from rules import RULE_TYPES
from rules.base import Duration, Scope


class Guideline(Strict):
    """One of the community's written rules: what `/rules` shows and what members are told."""

    id: str
    title: Localized
    text: Localized

    _id = field_validator("id")(slug)


class OutcomeConfig(Strict):
    delete: bool = False
    sanction: SanctionName = "none"
    duration: Duration | None = None
    escalate: bool = False

    @field_validator("duration")
    @classmethod
    def _range(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and not timedelta(seconds=30) <= value <= MAX_TIMEOUT:
            raise ValueError(f"must be between 30s and 28d (got {value})")
        return value


class RuleConfig(Strict):
    name: str
    type: str
    guideline: str
    params: dict[str, Any] = {}
    on_match: OutcomeConfig = OutcomeConfig(delete=True, sanction="warn")
    scope: Scope = Scope()
    shadow: bool = False

    _name = field_validator("name")(slug)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in RULE_TYPES:
            raise ValueError(f"unknown rule type {value!r}; one of {', '.join(RULE_TYPES)}")
        return value


class BotConfig(Strict):
    language: Language = "en"
    dry_run: bool = False
    excerpt_chars: int = Field(default=200, ge=0, le=4000)
    max_scan_chars: int = Field(default=20_000, ge=100, le=1_000_000)


class ModelConfig(Strict):
    backend: Literal["none", "builtin", "double", "detoxify", "onnx"] = "builtin"
    timeout: Duration = timedelta(seconds=2)
    batch_size: int = Field(default=32, ge=1, le=1024)
    batch_wait_ms: int = Field(default=10, ge=0, le=1000)
    params: dict[str, Any] = {}


class PlaygroundConfig(Strict):
    community: str = "playground"
    moderator_channel: str = "mods"
    moderators: list[str] = ["mod"]
    admins: list[str] = ["admin"]
    owner: str = "owner"
    newcomers: list[str] = ["newbie"]


class CommunityConfig(Strict):
    """A community: one or more platform chats sharing guidelines, rules and case numbers."""

    id: str
    name: str | None = None
    language: Language | None = None
    platforms: dict[str, list[str]] = {}
    moderator_channels: dict[str, str] = {}
    welcome_channels: dict[str, str] = {}
    """Where newcomers are greeted, per platform (Discord: a channel id)."""
    disabled_rules: list[str] = []
    share_bans: bool = False
    texts: TextOverrides = TextOverrides()

    _id = field_validator("id")(slug)


class Config(Strict):
    bot: BotConfig = BotConfig()
    storage: StorageConfig = StorageConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    model: ModelConfig = ModelConfig()
    playground: PlaygroundConfig = PlaygroundConfig()
    telegram: TelegramConfig = TelegramConfig()
    discord: DiscordConfig = DiscordConfig()
    web: WebConfig = WebConfig()
    escalation: EscalationConfig = EscalationConfig()
    strikes: StrikesConfig = StrikesConfig()
    reports: ReportsConfig = ReportsConfig()
    welcome: WelcomeConfig = WelcomeConfig()
    faq: FaqConfig = FaqConfig()
    texts: TextOverrides = TextOverrides()
    guidelines: list[Guideline] = []
    rules: list[RuleConfig] = []
    communities: list[CommunityConfig] = []

    def community_for(self, platform: str, chat_id: str) -> CommunityConfig:
        """The community a platform chat belongs to (a community's moderators' chat belongs
        to it too; `chat/topic` names a topic of a chat); unlisted chats form their own."""
        for community in self.communities:
            if chat_id in community.platforms.get(platform, ()):
                return community
        for community in self.communities:
            channel = community.moderator_channels.get(platform)
            if channel and channel.partition("/")[0] == chat_id:
                return community
        if platform == "playground":
            return CommunityConfig(
                id=_community_id(chat_id),
                moderator_channels={"playground": self.playground.moderator_channel},
                texts=self.texts,
            )
        return CommunityConfig(id=_community_id(f"{platform}-{chat_id}"), texts=self.texts)


def _community_id(raw: str) -> str:
    cleaned = re.sub(r"[^a-z0-9_-]+", "-", raw.lower()).strip("-_")[:64]
    return cleaned or "default"


DEFAULT_NAME = "config.example.toml (embedded default)"


def default_config_text() -> str:
    return (resources.files("bot") / "default_config.toml").read_text("utf-8")


def load_config(path: Path | None = None) -> Config:
    """Read and validate a config file (the embedded default when `path` is None)."""
    if path is None:
        return parse_config(default_config_text(), DEFAULT_NAME)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError(
            str(path), [("", "file not found; copy config.example.toml to start")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            str(path), [("", f"cannot be read ({exc}); save it as UTF-8 text")]
        ) from None
    return parse_config(text, str(path))


def parse_config(text: str, source: str) -> Config:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            source, [("", f"is not valid TOML: {exc}; fix the syntax there")]
        ) from None
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(source, [describe(error) for error in exc.errors()]) from None
    problems = _cross_check(config)
    if problems:
        raise ConfigError(source, problems)
    return config


def _cross_check(config: Config) -> list[tuple[str, str]]:
    """What one model cannot see alone: references between sections and rule params."""
    problems: list[tuple[str, str]] = []
    guideline_ids = [g.id for g in config.guidelines]
    for index, guideline in enumerate(config.guidelines):
        if guideline_ids.index(guideline.id) != index:
            problems.append(
                (f"guidelines[{index}].id", f"{guideline.id!r} is used twice; ids must be unique")
            )
    names: set[str] = set()
    for index, rule in enumerate(config.rules):
        key = f"rules[{index}]"
        if rule.name in names:
            problems.append(
                (f"{key}.name", f"{rule.name!r} is used twice; rule names must be unique")
            )
        names.add(rule.name)
        if rule.guideline not in guideline_ids:
            known = ", ".join(guideline_ids) or "none defined"
            problems.append(
                (
                    f"{key}.guideline",
                    f"unknown guideline {rule.guideline!r}; "
                    f"add it to [[guidelines]] (known: {known})",
                )
            )
        if rule.on_match.sanction == "timeout" and rule.on_match.duration is None:
            problems.append(
                (f"{key}.on_match.duration", "a timeout needs a duration, e.g. duration = '10m'")
            )
        if rule.on_match.duration is not None and rule.on_match.sanction != "timeout":
            problems.append(
                (
                    f"{key}.on_match.duration",
                    "only a timeout takes a duration; remove it or set sanction = 'timeout'",
                )
            )
        try:
            RULE_TYPES[rule.type].Params.model_validate(rule.params)
        except ValidationError as exc:
            for error in exc.errors():
                where, why = describe(error)
                problems.append((f"{key}.params" + ("." + where if where else ""), why))
    problems.extend(_model_params(config))
    problems.extend(telegram_problems(config.telegram))
    problems.extend(discord_problems(config.discord, config.communities))
    problems.extend(web_problems(config.web))
    for index, community in enumerate(config.communities):
        for name in community.disabled_rules:
            if name not in names:
                problems.append((f"communities[{index}].disabled_rules", f"unknown rule {name!r}"))
    if config.storage.url_env and config.storage.url_env not in os.environ:
        problems.append(
            (
                "storage.url_env",
                f"environment variable {config.storage.url_env} is not set; "
                "export it or remove url_env",
            )
        )
    return problems


def _model_params(config: Config) -> list[tuple[str, str]]:
    from bot.models import BACKENDS

    backend = BACKENDS.get(config.model.backend)
    if backend is None:
        if config.model.params:
            return [("model.params", "the `none` backend takes no params; remove them")]
        return []
    try:
        backend[0].model_validate(config.model.params)
    except ValidationError as exc:
        return [
            (f"model.params.{where}" if where else "model.params", why)
            for where, why in (describe(error) for error in exc.errors())
        ]
    return []
