"""The normaliser: one set of views of a message's text, computed once and shared by every rule.

Views, each derived from the one before:
- `folded`: per character NFKC-style compatibility folding and case folding, homoglyphs folded
  to the Latin letter they imitate, zero-width and bidi controls, NUL and other controls and
  all combining marks (zalgo, strike-through, accents) removed, every whitespace a space;
- `leet`: `folded` with leetspeak digits and symbols mapped to letters (4→a, 3→e, 1→i, 0→o,
  5→s, 7→t, @→a, $→s, ...);
- `collapsed`: `leet` with every run of a repeated character cut to one;
- `joined`: `folded` with runs of single characters joined, so `f u c k`, `f.u.c.k` and
  `a n j i n g` read as words; `runs` lists where joining happened.

Every view maps back to the original text (`origin`), so a rule reports evidence as a span of
what the member actually wrote. Views are built lazily: a rule pays only for what it reads.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rules.confusables import CONFUSABLES

MAX_SCAN_CHARS = 20_000
"""Only this many leading characters are read; no platform delivers longer messages."""

LEET = {
    "4": "a",
    "@": "a",
    "3": "e",
    "€": "e",
    "1": "i",
    "!": "i",
    "|": "i",
    "0": "o",
    "5": "s",
    "$": "s",
    "7": "t",
    "+": "t",
    "8": "b",
    "9": "g",
    "6": "g",
}
_LEET_TABLE = str.maketrans(LEET)
_LINE_BREAKS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Mn", "Me"})
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_MARKS = frozenset({"Mn", "Me"})

WORD_CHARS = "a-z0-9" + re.escape("".join(c for c in LEET if not c.isalnum()))
"""Characters that can be part of a word in the folded view (letters, digits, leet symbols)."""

_RUN_CHARS = "a-z0-9@$€"
"""Characters that can stand alone in a spelled-out word (`f u c k`, `$ h i t`). `!`, `|` and
`+` are left out: after a letter they are punctuation more often than leetspeak."""
_SINGLES = re.compile(
    rf"(?<![{WORD_CHARS}])[{_RUN_CHARS}]"
    rf"(?:[^{_RUN_CHARS}]{{1,3}}[{_RUN_CHARS}](?![{_RUN_CHARS}])){{2,}}"
)
_RUN_CHAR = re.compile(f"[{_RUN_CHARS}]")
_REPEATS = re.compile(r"(.)\1+", re.DOTALL)


def fold_char(char: str) -> str:
    """Fold one character to what a reader sees in plain lower-case Latin (maybe '' or several)."""
    known = CONFUSABLES.get(char)
    if known is not None:
        return known
    category = unicodedata.category(char)
    if char in _LINE_BREAKS or category[0] == "Z" or char == "\u2800":
        return " "
    if category in _DROPPED_CATEGORIES or char in _INVISIBLE_LETTERS:
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.category(part) in _MARKS:
            continue
        for folded in part.casefold():
            out.append(CONFUSABLES.get(folded, folded))
    return "".join(out)


class _FoldTable(dict[int, str]):
    """A `str.translate` table that folds each code point once and remembers the answer."""

    limit = 200_000

    def __missing__(self, code_point: int) -> str:
        folded = fold_char(chr(code_point))
        if len(self) < self.limit:
            self[code_point] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """The `folded` view of any text: also how word lists are folded before compiling."""
    return text.translate(_FOLD)


class Views:
    """The normalised views of one message text. Build with `normalize`."""

    __slots__ = ("text", "folded", "_leet", "_collapsed", "_joined", "_runs", "_maps", "memo")

    def __init__(self, text: str, folded: str) -> None:
        self.text = text
        self.folded = folded
        self.memo: dict[str, Any] = {}
        """What rules derive from the text, kept for the other rules reading the same
        message (the links written in it)."""
        self._leet: str | None = None
        self._collapsed: str | None = None
        self._joined: str | None = None
        self._runs: tuple[tuple[int, int], ...] = ()
        self._maps: dict[str, list[int] | None] = {}

    @property
    def leet(self) -> str:
        if self._leet is None:
            self._leet = self.folded.translate(_LEET_TABLE)
        return self._leet

    @property
    def collapsed(self) -> str:
        if self._collapsed is None:
            self._collapsed, self._maps["collapsed"] = _collapse(self.leet)
        return self._collapsed

    @property
    def joined(self) -> str:
        if self._joined is None:
            self._joined, self._runs, self._maps["joined"] = _join_singles(self.folded)
        return self._joined

    @property
    def runs(self) -> tuple[tuple[int, int], ...]:
        """Spans in `joined` where single characters were joined into one word."""
        _ = self.joined
        return self._runs

    def view(self, name: str) -> str:
        """A view by name: text, folded, leet, collapsed or joined."""
        return {
            "text": lambda: self.text,
            "folded": lambda: self.folded,
            "leet": lambda: self.leet,
            "collapsed": lambda: self.collapsed,
            "joined": lambda: self.joined,
        }[name]()

    def origin(self, view: str, start: int, end: int) -> tuple[int, int]:
        """Map the span [start, end) of a view back to the span of the original text."""
        if view == "text":
            return start, max(start, end)
        if end <= start:
            point = self._point(view, start)
            return point, point
        if view in ("collapsed", "joined"):
            self.view(view)
            inner = self._maps[view]
            base = "leet" if view == "collapsed" else "folded"
            if inner is None:
                return self.origin(base, start, end)
            return self.origin(base, inner[start], inner[end - 1] + 1)
        to_text = self._fold_map()
        last = to_text[end - 1] + 1
        # Marks the view dropped still belong to the last letter (f̶u̶c̶k̶ ends with a stroke).
        while last < len(self.text) and unicodedata.category(self.text[last]) in _MARKS:
            last += 1
        return to_text[start], last

    def _point(self, view: str, index: int) -> int:
        """Map an empty span (a position between characters) of a view to the original."""
        if index >= len(self.view(view)):
            return len(self.text)
        return self.origin(view, index, index + 1)[0]

    def _fold_map(self) -> list[int]:
        """For each character of `folded` (and `leet`), the index of its source character."""
        mapping = self._maps.get("folded")
        if mapping is None:
            mapping = []
            for index, char in enumerate(self.text):
                mapping.extend([index] * len(_FOLD[ord(char)]))
            self._maps["folded"] = mapping
        return mapping


def normalize(text: str, limit: int = MAX_SCAN_CHARS) -> Views:
    """Build the views of `text` (only its first `limit` characters are read). Never raises."""
    scanned = text[:limit]
    return Views(scanned, scanned.translate(_FOLD))


def _collapse(text: str) -> tuple[str, list[int]]:
    pieces: list[str] = []
    mapping: list[int] = []
    last = 0
    for match in _REPEATS.finditer(text):
        pieces.append(text[last : match.start() + 1])
        mapping.extend(range(last, match.start() + 1))
        last = match.end()
    pieces.append(text[last:])
    mapping.extend(range(last, len(text)))
    return "".join(pieces), mapping


def _join_singles(text: str) -> tuple[str, tuple[tuple[int, int], ...], list[int] | None]:
    matches = list(_SINGLES.finditer(text))
    if not matches:
        return text, (), None
    pieces: list[str] = []
    mapping: list[int] = []
    runs: list[tuple[int, int]] = []
    last = 0
    length = 0
    for match in matches:
        before = text[last : match.start()]
        pieces.append(before)
        mapping.extend(range(last, match.start()))
        length += len(before)
        letters = [i for i in range(match.start(), match.end()) if _RUN_CHAR.match(text[i])]
        pieces.append("".join(text[i] for i in letters))
        mapping.extend(letters)
        runs.append((length, length + len(letters)))
        length += len(letters)
        last = match.end()
    pieces.append(text[last:])
    mapping.extend(range(last, len(text)))
    return "".join(pieces), tuple(runs), mapping
