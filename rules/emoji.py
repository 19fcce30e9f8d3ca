"""Emoji: walls of emoji, Unicode or custom (`<:name:id>`)."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel

_CUSTOM = re.compile(r"<a?:\w{1,32}:\d{1,20}>")
_JOINERS = frozenset({0x200D, 0xFE0F, 0xFE0E, 0x20E3})


def _is_emoji(code: int) -> bool:
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or 0x2300 <= code <= 0x23FF
    )


def count_emoji(text: str) -> int:
    """Emoji as a reader counts them: a ZWJ sequence, a flag or a skin-toned emoji is one."""
    if text.isascii() and "<" not in text:
        return 0
    count = len(_CUSTOM.findall(text))
    previous = 0
    pending_flag = False
    for char in _CUSTOM.sub(" ", text):
        code = ord(char)
        if code in _JOINERS or 0x1F3FB <= code <= 0x1F3FF:
            previous = code
            continue
        if 0x1F1E6 <= code <= 0x1F1FF:
            if pending_flag:
                pending_flag = False
                previous = code
                continue
            pending_flag = True
        else:
            pending_flag = False
        if _is_emoji(code) and previous != 0x200D:
            count += 1
        previous = code
    return count


class EmojiRule(Rule):
    """Flags more than `max` emoji in one message."""

    class Params(StrictModel):
        max: int = Field(default=10, ge=1, le=1000)

    cost: ClassVar[int] = 6

    def __init__(self, params: Params) -> None:
        self._max = params.max

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        found = count_emoji(ctx.views.text)
        if found > self._max:
            return Finding(f"{found} emoji (limit {self._max})")
        return None
