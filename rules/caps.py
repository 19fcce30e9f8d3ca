"""Caps: shouting in capital letters."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel


class CapsRule(Rule):
    """Flags a message with at least `min_letters` cased letters, more than `max_ratio` upper."""

    class Params(StrictModel):
        max_ratio: float = Field(default=0.7, gt=0, le=1)
        min_letters: int = Field(default=12, ge=1)

    cost: ClassVar[int] = 4

    def __init__(self, params: Params) -> None:
        self._max_ratio = params.max_ratio
        self._min_letters = params.min_letters

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        text = ctx.views.text
        upper = sum(map(str.isupper, text))
        letters = upper + sum(map(str.islower, text))
        if letters >= self._min_letters and upper / letters > self._max_ratio:
            return Finding(f"{round(100 * upper / letters)}% capitals")
        return None
