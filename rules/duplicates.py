"""Duplicates: the same message posted again and again."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field

from bot.events import Message
from rules.base import Context, Duration, Finding, Rule, StrictModel, fingerprint


class DuplicatesRule(Rule):
    """Flags the `count`-th identical message in a row, or within `within` when it is set.

    Messages are compared after normalisation, so case, accents and homoglyphs do not make a
    copy look new. Messages with no text (attachments alone) are never duplicates.
    """

    class Params(StrictModel):
        count: int = Field(default=3, ge=2, le=100)
        within: Duration | None = timedelta(minutes=1)

    cost: ClassVar[int] = 3

    def __init__(self, params: Params) -> None:
        self.count = params.count
        self.within = params.within

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        current = fingerprint(ctx.views)
        if not current:
            return None
        in_a_row = 1
        for earlier in reversed(ctx.recent):
            if earlier.fingerprint != current:
                break
            in_a_row += 1
        if in_a_row >= self.count:
            return Finding(f"same message {in_a_row} times in a row")
        if self.within is not None:
            since = msg.sent_at - self.within
            copies = 1 + sum(
                1 for e in ctx.recent if e.sent_at >= since and e.fingerprint == current
            )
            if copies >= self.count:
                return Finding(f"same message {copies} times within {self.within}")
        return None
