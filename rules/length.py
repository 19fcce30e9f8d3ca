"""Length: walls of text and of blank lines."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel


class LengthRule(Rule):
    """Flags a message longer than `max_chars` characters or `max_lines` lines."""

    class Params(StrictModel):
        max_chars: int | None = Field(default=None, ge=1)
        max_lines: int | None = Field(default=None, ge=1)

        @model_validator(mode="after")
        def _check(self) -> LengthRule.Params:
            if self.max_chars is None and self.max_lines is None:
                raise ValueError("give `max_chars`, `max_lines` or both")
            return self

    cost: ClassVar[int] = 1

    def __init__(self, params: Params) -> None:
        self._chars = params.max_chars
        self._lines = params.max_lines

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        if self._chars is not None and len(msg.text) > self._chars:
            return Finding(f"{len(msg.text)} characters (limit {self._chars})")
        if self._lines is not None:
            lines = msg.text.count("\n") + 1
            if lines > self._lines:
                return Finding(f"{lines} lines (limit {self._lines})")
        return None
