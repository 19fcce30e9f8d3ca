"""Compile a word list into one RE2 matcher that sees through obfuscation.

Each word becomes a pattern over the folded view in which every letter also accepts its
leetspeak stand-ins (`a` matches `4` and `@`, `i` matches `1`, `!` and `|`, ...) and may
repeat (`fuuuuck`), inner letters may be masked with `*`, `#`, `%` or `_` (`f*ck`), and spaces
in a phrase match any run of separators. `*` in an entry matches any letters and `?` one
letter. All words of a list are joined in one alternation: one search a view, never a loop.

Spaced-out words (`f u c k`) are caught in the normaliser's joined runs: inside a run, words
of four letters or more match anywhere, shorter ones only as the whole run, so that
`c l a s s` is not read as `ass`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rules.normalize import LEET, WORD_CHARS, Views, fold
from rules.patterns import compile_re2

MASKS = "*#%_"
_STAND_INS: dict[str, str] = {letter: "" for letter in "abcdefghijklmnopqrstuvwxyz0123456789"}
for _symbol, _letter in LEET.items():
    _STAND_INS[_letter] += _symbol
_STAND_INS["u"] += "v"
_SHORT = 3
_WORD_END = "a-z0-9@$€"
"""What continues a word after a match, and what a `*` wildcard takes. `!`, `|` and `+` end a
word as often as they replace a letter (`you idiot!`), so they do not keep a word from
matching."""


def _char_class(chars: str) -> str:
    return "[" + "".join("\\" + c if c in "\\]^-[" else c for c in chars) + "]"


def _token_pattern(token: str) -> str:
    parts: list[str] = []
    last = len(token) - 1
    for position, char in enumerate(token):
        if char == "*":
            parts.append(f"[{_WORD_END}]*")
        elif char == "?":
            parts.append(f"[{WORD_CHARS}]")
        elif char in _STAND_INS:
            accepted = char + _STAND_INS[char]
            if 0 < position < last:
                accepted += MASKS
            parts.append(_char_class(accepted) + "+")
        else:
            parts.append("\\" + char if not char.isalnum() else char)
    return "".join(parts)


def word_pattern(entry: str) -> str:
    """The RE2 pattern (without boundaries) for one folded word or phrase."""
    return f"[^{WORD_CHARS}]+".join(_token_pattern(token) for token in entry.split())


def _letters(entry: str) -> int:
    return sum(char.isalnum() for char in entry)


@dataclass(frozen=True, slots=True)
class WordMatch:
    """Where a word matched: the entry's view, the span there, and the span in the original."""

    view: str
    start: int
    end: int
    original: tuple[int, int]


class WordMatcher:
    """One compiled matcher for a whole list. `search` returns the first match or None."""

    def __init__(self, entries: Iterable[str], *, whole_word: bool = True) -> None:
        folded = sorted({" ".join(fold(entry).split()) for entry in entries} - {""})
        if not folded:
            raise ValueError("the word list is empty")
        alternation = "|".join(word_pattern(entry) for entry in folded)
        if whole_word:
            body = f"(?:^|[^{WORD_CHARS}])({alternation})(?:[^{_WORD_END}]|$)"
        else:
            body = f"({alternation})"
        self._main: Any = compile_re2(body)
        # Inside a spelled-out run the spaces of a phrase are gone too ("b a n i t a p l a k"),
        # and long words match anywhere, so edge wildcards would only stretch the evidence.
        squeezed = sorted({e.replace(" ", "").strip("*") for e in folded} - {""})
        short = [word_pattern(e) for e in squeezed if _letters(e) <= _SHORT]
        long = [word_pattern(e) for e in squeezed if _letters(e) > _SHORT]
        run_parts = []
        if short:
            run_parts.append("^(?:" + "|".join(short) + ")$")
        if long:
            run_parts.append("(?:" + "|".join(long) + ")")
        self._runs: Any = compile_re2("|".join(run_parts)) if run_parts else None
        self.size = len(folded)

    def search(self, views: Views, exceptions: frozenset[str] = frozenset()) -> WordMatch | None:
        """The first listed word in the views, skipping words listed in `exceptions`."""
        folded = views.folded
        position = 0
        while (found := self._main.search(folded, position)) is not None:
            start, end = found.span(1)
            if " ".join(folded[start:end].split()) not in exceptions:
                return WordMatch("folded", start, end, views.origin("folded", start, end))
            position = end
        if self._runs is None or not views.runs:
            return None
        joined = views.joined
        for run_start, run_end in views.runs:
            inner = self._runs.search(joined[run_start:run_end])
            if inner is not None:
                start, end = run_start + inner.start(), run_start + inner.end()
                return WordMatch("joined", start, end, views.origin("joined", start, end))
        return None
