"""Every text the bot sends, in English and Indonesian, from bot/locales/*.toml.

Texts are chosen per community (its language, and any key it overrides in its config). Every
value put into a placeholder is neutralised first, so a member's name or reason can never
ping @everyone, @here, a role or another member.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "id")
_ZWSP = "\u200b"
_PING = re.compile(r"(?<![\w.])([@＠﹫])(?=[\w&!#])|([@＠﹫])(?=everyone|here)", re.IGNORECASE)


def neutralise(value: object) -> str:
    """`value` as text that cannot mention anyone: a zero-width space follows every `@` that
    starts a mention (`@everyone`, `@here`, `@name`, `<@123>`, `<@&role>`, fullwidth `＠`).
    An `@` inside a word (an e-mail address) is left alone, except before everyone/here."""
    return _PING.sub(lambda m: (m.group(1) or m.group(2)) + _ZWSP, str(value))


@cache
def catalog(language: str) -> dict[str, str]:
    """The flattened texts of one language: {'notice.delete': '...'}."""
    raw = tomllib.loads(
        (resources.files("bot") / "locales" / f"{language}.toml").read_text("utf-8")
    )
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(name, value)
            else:
                flat[name] = str(value)

    walk("", raw)
    return flat


def placeholders(template: str) -> set[str]:
    """The {names} a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def check_override(key: str, template: str) -> str | None:
    """Why a community's override of `key` cannot be used, or None when it can."""
    known = catalog("en").get(key)
    if known is None:
        return f"unknown text key {key!r}; see bot/locales/en.toml"
    extra = placeholders(template) - placeholders(known)
    if extra:
        allowed = ", ".join(sorted(placeholders(known))) or "none"
        return (
            f"uses {{{', '.join(sorted(extra))}}}, which {key} does not have (allowed: {allowed})"
        )
    return None


class Texts:
    """The texts of one community: its language, with its overrides on top of the catalogue."""

    def __init__(self, language: str, overrides: Mapping[str, str] | None = None) -> None:
        self.language = language if language in LANGUAGES else "en"
        self._texts = {**catalog(self.language), **(overrides or {})}

    def __call__(self, key: str, **values: object) -> str:
        safe = {name: neutralise(value) for name, value in values.items()}
        return self._texts[key].format(**safe)

    def duration(self, span: timedelta | None) -> str:
        """A duration in words, largest whole unit: '10 minutes', '1 jam', '2 days'."""
        if span is None:
            return self("duration.forever")
        seconds = int(span.total_seconds())
        for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
            if seconds >= size and seconds % size == 0 or seconds >= size * 2:
                count = round(seconds / size)
                return self(f"duration.{unit}{'s' if count != 1 else ''}", n=count)
        return self(f"duration.second{'s' if seconds != 1 else ''}", n=seconds)


def text(language: str, key: str, **values: object) -> str:
    """The catalogue text `key` in `language`, filled in (no community overrides)."""
    return Texts(language)(key, **values)


def duration(language: str, span: timedelta) -> str:
    return Texts(language).duration(span)
