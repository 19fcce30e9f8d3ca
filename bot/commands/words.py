"""Typed command words (`/timeout 10m spamming`) as option values, for text-only platforms."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.commands.spec import Command

_DURATION = re.compile(r"^\d+[smhdw]")


def args_from_words(spec: Command | None, words: Sequence[str]) -> dict[str, str]:
    """Give positional words to the spec's options in order (member options are the
    adapter's to resolve). An optional duration or number is taken only when the word is
    one; the last option, when it is text, takes the rest. The core parses the values."""
    if spec is None:
        return {}
    options = [o for o in spec.options if o.kind != "member"]
    args: dict[str, str] = {}
    rest = list(words)
    for position, option in enumerate(options):
        if not rest:
            break
        word = rest[0]
        last = position == len(options) - 1
        if option.kind == "duration" and not _DURATION.match(word):
            continue
        if option.kind == "integer" and not word.lstrip("#").isdigit() and not last:
            continue
        if option.kind == "text" and last:
            args[option.name] = " ".join(rest)
            break
        args[option.name] = rest.pop(0)
    return args
