"""Flood: one member posting too many messages too fast."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field

from bot.events import Message
from rules.base import Context, Duration, Finding, Rule, StrictModel


class FloodRule(Rule):
    """Flags the `count`-th message (and every later one) an author sends within `within`."""

    class Params(StrictModel):
        count: int = Field(default=5, ge=2, le=100)
        within: Duration = timedelta(seconds=5)
        per_channel: bool = False

    cost: ClassVar[int] = 2

    def __init__(self, params: Params) -> None:
        self.count = params.count
        self.within = params.within
        self._per_channel = params.per_channel

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        since = msg.sent_at - self.within
        seen = 1 + sum(
            1
            for earlier in ctx.recent
            if earlier.sent_at >= since
            and (not self._per_channel or earlier.channel_id == msg.channel_id)
        )
        if seen >= self.count:
            return Finding(f"{seen} messages within {int(self.within.total_seconds())}s")
        return None
