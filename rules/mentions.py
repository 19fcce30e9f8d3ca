"""Mentions: too many members or roles pinged at once, and attempts at @everyone / @here."""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import Field

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel

_MASS_MENTION = re.compile(r"(?<![\w.])@(everyone|here)\b")


class MentionsRule(Rule):
    """Flags more than `max_unique` distinct mentions, or any @everyone/@here when `everyone`."""

    class Params(StrictModel):
        max_unique: int = Field(default=5, ge=1, le=100)
        everyone: bool = True

    cost: ClassVar[int] = 5

    def __init__(self, params: Params) -> None:
        self._max = params.max_unique
        self._everyone = params.everyone

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        if self._everyone:
            attempt = _MASS_MENTION.search(ctx.views.folded)
            if attempt is not None:
                start, end = ctx.views.origin("folded", *attempt.span())
                return Finding(f"@{attempt.group(1)} attempt", start, end)
            if msg.mentions_everyone:
                return Finding("@everyone attempt")
        unique = len(set(msg.mentions)) + len(set(msg.role_mentions))
        if unique > self._max:
            return Finding(f"{unique} mentions (limit {self._max})")
        return None
