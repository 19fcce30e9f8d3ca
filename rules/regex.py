"""Moderator-written regular expressions, run by RE2 on the view the rule names."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel
from rules.patterns import MAX_PATTERNS_PER_RULE, PatternError, compile_user_pattern


def _safe(pattern: str) -> str:
    try:
        compile_user_pattern(pattern)
    except PatternError as exc:
        raise ValueError(f"pattern {pattern[:40]!r} {exc}") from None
    return pattern


class RegexRule(Rule):
    """Matches up to ten RE2 patterns (260 characters each) against one normalised view."""

    class Params(StrictModel):
        patterns: list[Annotated[str, AfterValidator(_safe)]] = Field(
            min_length=1, max_length=MAX_PATTERNS_PER_RULE
        )
        view: Literal["text", "folded", "leet", "collapsed", "joined"] = "folded"
        case_sensitive: bool = False

    cost: ClassVar[int] = 30

    def __init__(self, params: Params) -> None:
        self._view = params.view
        self._patterns: list[tuple[str, Any]] = [
            (p, compile_user_pattern(p, case_sensitive=params.case_sensitive))
            for p in params.patterns
        ]

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        text = ctx.views.view(self._view)
        for source, pattern in self._patterns:
            found = pattern.search(text)
            if found is not None:
                start, end = ctx.views.origin(self._view, *found.span())
                return Finding(f"pattern {source[:60]!r}", start, end)
        return None
