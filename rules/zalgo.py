"""Zalgo: text buried under stacked combining marks."""

from __future__ import annotations

import unicodedata
from typing import ClassVar

from pydantic import Field

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel


class ZalgoRule(Rule):
    """Flags a character carrying more than `max_marks_per_char` combining marks, or a text
    with at least `min_marks` marks and more marks than letters.

    Natural languages stack at most two or three marks (Vietnamese, Thai), and only in NFD.
    """

    class Params(StrictModel):
        max_marks_per_char: int = Field(default=3, ge=1)
        min_marks: int = Field(default=10, ge=1)

    cost: ClassVar[int] = 7

    def __init__(self, params: Params) -> None:
        self._stack = params.max_marks_per_char
        self._min = params.min_marks

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        text = ctx.views.text
        if text.isascii():
            return None
        marks = bases = run = 0
        for index, char in enumerate(text):
            if unicodedata.category(char) in ("Mn", "Me"):
                marks += 1
                run += 1
                if run > self._stack:
                    start = index - run
                    return Finding(
                        f"{run}+ combining marks on one character", max(0, start), index + 1
                    )
            else:
                run = 0
                bases += 1
        if marks >= self._min and marks > bases:
            return Finding(f"{marks} combining marks on {bases} characters")
        return None
