"""Words and phrases: the community's lists and the shipped lexicons, one matcher per rule."""

from __future__ import annotations

from importlib import resources
from typing import ClassVar

from pydantic import model_validator

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel
from rules.normalize import fold
from rules.wordlist import WordMatcher

MAX_ENTRY_CHARS = 60


def lexicon_names() -> list[str]:
    """Names of the shipped word lists (files in rules/lexicons without `.txt`)."""
    folder = resources.files("rules") / "lexicons"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".txt"))


def load_lexicon(name: str) -> list[str]:
    """The entries of one shipped word list, comments and blank lines removed. Entries that
    start with `!` are exceptions (ordinary words a wildcard entry would catch)."""
    text = (resources.files("rules") / "lexicons" / f"{name}.txt").read_text("utf-8")
    entries = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [entry for entry in entries if entry]


class WordsRule(Rule):
    """Matches listed words and phrases, whole words by default, through obfuscation."""

    class Params(StrictModel):
        lexicons: list[str] = []
        words: list[str] = []
        exceptions: list[str] = []
        whole_word: bool = True

        @model_validator(mode="after")
        def _check(self) -> WordsRule.Params:
            if not self.lexicons and not self.words:
                raise ValueError(
                    "give `words`, `lexicons` or both (e.g. lexicons = ['en-profanity'])"
                )
            known = lexicon_names()
            for name in self.lexicons:
                if name not in known:
                    raise ValueError(f"unknown lexicon {name!r}; shipped: {', '.join(known)}")
            for entry in self.words:
                if len(entry) > MAX_ENTRY_CHARS:
                    raise ValueError(
                        f"word {entry[:20]!r}... is longer than {MAX_ENTRY_CHARS} characters"
                    )
                if not any(char.isalnum() for char in fold(entry)):
                    raise ValueError(f"word {entry!r} has no letters: it would match everything")
            return self

    cost: ClassVar[int] = 20

    def __init__(self, params: Params) -> None:
        entries = list(params.words)
        exceptions = list(params.exceptions)
        for name in params.lexicons:
            for entry in load_lexicon(name):
                if entry.startswith("!"):
                    exceptions.append(entry[1:])
                else:
                    entries.append(entry)
        self._matcher = WordMatcher(entries, whole_word=params.whole_word)
        self._exceptions = frozenset(" ".join(fold(e).split()) for e in exceptions)

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        found = self._matcher.search(ctx.views, self._exceptions)
        if found is None:
            return None
        start, end = found.original
        spelled = " (spelled out)" if found.view == "joined" else ""
        return Finding(f"listed word{spelled}", start, end)
