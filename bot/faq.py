"""FAQ answers: fuzzy matching on the normalised text, a confidence threshold, a per-chat
cooldown, and the answer in the language the question was asked in."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rapidfuzz import fuzz

from bot.config import CommunityConfig, Config
from bot.events import Message
from bot.i18n import neutralise
from bot.models.langid import detect_language
from rules.normalize import Views, fold
from rules.patterns import compile_user_pattern
from storage.faqs import FaqEntryView, FaqStore

_WORDS = re.compile(r"[a-z0-9]+")
QUESTION_WORDS = frozenset(
    "what how why when where who which can could does do is are will should "
    "apa apakah bagaimana gimana gmn kenapa knp mengapa kapan dimana mana siapa berapa "
    "bisakah bolehkah adakah".split()
)
REREAD = timedelta(seconds=30)
"""How long this process answers from the entries it read; another process (the dashboard,
a command on another platform) may have changed them meanwhile."""


def is_question(views: Views) -> bool:
    """A message that asks something: it ends with '?' or opens with a question word."""
    folded = views.folded.strip()
    if folded.endswith("?"):
        return True
    first = _WORDS.search(folded)
    return first is not None and first.group() in QUESTION_WORDS


@dataclass(frozen=True, slots=True)
class _Compiled:
    entry: FaqEntryView
    keywords: tuple[frozenset[str], ...]
    """The words of each keyword (all of a keyword's words must be in the message)."""
    phrases: tuple[str, ...]
    patterns: tuple[Any, ...]


def _compile(entry: FaqEntryView) -> _Compiled:
    return _Compiled(
        entry,
        tuple(frozenset(_WORDS.findall(" ".join(fold(k).split()))) for k in entry.keywords),
        tuple(" ".join(fold(p).split()) for p in entry.phrases),
        tuple(compile_user_pattern(p) for p in entry.patterns),
    )


def score(compiled: _Compiled, text: str, words: frozenset[str], cutoff: float = 0.0) -> float:
    """How sure (0-100) that `text` (folded; `words` are its words) asks this entry's
    question. Below `cutoff` the answer may be 0 (the fuzzy matchers stop early)."""
    if compiled.keywords and all(k <= words for k in compiled.keywords):
        return 100.0
    if any(p.search(text) for p in compiled.patterns):
        return 100.0
    best = 0.0
    for phrase in compiled.phrases:
        floor = max(best, cutoff)
        best = max(
            best,
            fuzz.partial_ratio(phrase, text, score_cutoff=floor),
            fuzz.token_sort_ratio(phrase, text, score_cutoff=floor),
        )
    return best


@dataclass(frozen=True, slots=True)
class FaqAnswer:
    name: str
    text: str
    confidence: float


class Faq:
    """Answers the community's frequent questions. Never answers a moderator or a bot, and
    answers one entry at most once per chat per cooldown."""

    def __init__(self, config: Config, store: FaqStore, clock: Callable[[], datetime]) -> None:
        self.config = config
        self.store = store
        self._clock = clock
        self._compiled: dict[str, tuple[datetime, list[_Compiled]]] = {}
        self._reading: dict[str, asyncio.Future[list[_Compiled]]] = {}
        self._last: dict[tuple[str, str, str], datetime] = {}

    async def seed(self, community: str, now: datetime) -> None:
        """Add the config's entries that the database does not have yet."""
        for entry in self.config.faq.entries:
            view = FaqEntryView(
                entry.name,
                tuple(entry.keywords),
                tuple(entry.phrases),
                tuple(entry.patterns),
                entry.answer.en,
                entry.answer.id,
            )
            await self.store.save(community, view, "config", now, replace=False)

    def forget(self, community: str) -> None:
        """Drop the compiled entries (after a moderator changed them); a read under way
        started before the change, so the next message reads again."""
        self._compiled.pop(community, None)
        self._reading.pop(community, None)

    async def _entries(self, community: str) -> list[_Compiled]:
        """The community's entries, compiled; read again after `REREAD`. The messages that
        arrive while they are being read wait for that one read (a burst right after a start
        would otherwise seed and read them once per message)."""
        now = self._clock()
        found = self._compiled.get(community)
        if found is not None and now - found[0] < REREAD:
            return found[1]
        reading = self._reading.get(community)
        if reading is None:
            reading = self._reading[community] = asyncio.ensure_future(self._read(community))
        return await asyncio.shield(reading)

    async def _read(self, community: str) -> list[_Compiled]:
        now = self._clock()
        this = asyncio.current_task()
        try:
            if community not in self._compiled:
                await self.seed(community, now)
            compiled = [_compile(e) for e in await self.store.entries(community)]
            if self._reading.get(community) is this:  # not forgotten meanwhile
                self._compiled[community] = (now, compiled)
            return compiled
        finally:  # done, or failed: the next message reads again
            if self._reading.get(community) is this:
                del self._reading[community]

    async def answer(
        self, msg: Message, views: Views, community: CommunityConfig
    ) -> FaqAnswer | None:
        if msg.author.is_moderator or msg.author.is_bot:
            return None
        entries = await self._entries(community.id)
        if not entries:
            return None
        text = " ".join(views.folded.split())
        words = frozenset(_WORDS.findall(text))
        threshold = self.config.faq.threshold
        scored = max(
            ((score(c, text, words, threshold), c) for c in entries), key=lambda pair: pair[0]
        )
        confidence, best = scored
        if confidence < threshold:
            return None
        key = (msg.platform, msg.community_id, best.entry.name)
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self.config.faq.cooldown:
            return None
        self._last[key] = now
        language = detect_language(text, default=community.language or self.config.bot.language)
        answer = best.entry.answer_id if language == "id" else best.entry.answer_en
        return FaqAnswer(best.entry.name, neutralise(answer), confidence)
