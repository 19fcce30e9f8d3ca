"""Duplicates: the same message posted again and again."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from pydantic import Field

from bot.events import Message
from rules.base import Context, Duration, Finding, Rule, StrictModel, fingerprint


class DuplicatesRule(Rule):
    """Flags the `count`-th identical message in a row, counting only messages within
    `within` when it is set (a daily "gm" is not spam), or without a time limit when not.

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
        since = msg.sent_at - self.within if self.within is not None else None
        in_a_row = 1
        for earlier in reversed(ctx.recent):
            if earlier.fingerprint != current or (since is not None and earlier.sent_at < since):
                break
            in_a_row += 1
        if in_a_row >= self.count:
            return Finding(f"same message {in_a_row} times in a row")
        if since is not None and self.within is not None:
            copies = 1 + sum(
                1 for e in ctx.recent if e.sent_at >= since and e.fingerprint == current
            )
            if copies >= self.count:
                seconds = int(self.within.total_seconds())
                return Finding(f"same message {copies} times within {seconds}s")
        return None
