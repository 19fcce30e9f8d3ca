"""Every text the bot sends, in English and Indonesian, from bot/locales/*.toml."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "id")


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


def text(language: str, key: str, **values: object) -> str:
    """The text `key` in `language` (English when the language is unknown), filled in."""
    texts = catalog(language if language in LANGUAGES else "en")
    return texts[key].format(**values)


def duration(language: str, span: timedelta) -> str:
    """A duration in words, largest whole unit: '10 minutes', '1 jam', '2 days'."""
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size and seconds % size == 0 or seconds >= size * 2:
            count = round(seconds / size)
            return text(language, f"duration.{unit}{'s' if count != 1 else ''}", n=count)
    return text(language, f"duration.second{'s' if seconds != 1 else ''}", n=seconds)
