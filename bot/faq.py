"""FAQ answers: fuzzy matching on the normalised text, a confidence threshold, a per-chat
cooldown, and the answer in the language the question was asked in."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
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
    keywords: tuple[str, ...]
    phrases: tuple[str, ...]
    patterns: tuple[Any, ...]


def _compile(entry: FaqEntryView) -> _Compiled:
    return _Compiled(
        entry,
        tuple(" ".join(fold(k).split()) for k in entry.keywords),
        tuple(" ".join(fold(p).split()) for p in entry.phrases),
        tuple(compile_user_pattern(p) for p in entry.patterns),
    )


def score(compiled: _Compiled, text: str) -> float:
    """How sure (0-100) that `text` (folded) asks this entry's question."""
    best = 0.0
    words = set(_WORDS.findall(text))
    if compiled.keywords and all(set(_WORDS.findall(k)) <= words for k in compiled.keywords):
        best = 100.0
    for phrase in compiled.phrases:
        best = max(best, fuzz.partial_ratio(phrase, text), fuzz.token_sort_ratio(phrase, text))
    if any(p.search(text) for p in compiled.patterns):
        best = 100.0
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
        self._compiled: dict[str, list[_Compiled]] = {}
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
        """Drop the compiled entries (after a moderator changed them)."""
        self._compiled.pop(community, None)

    async def _entries(self, community: str) -> list[_Compiled]:
        found = self._compiled.get(community)
        if found is None:
            await self.seed(community, self._clock())
            found = self._compiled[community] = [
                _compile(e) for e in await self.store.entries(community)
            ]
        return found

    async def answer(
        self, msg: Message, views: Views, community: CommunityConfig
    ) -> FaqAnswer | None:
        if msg.author.is_moderator or msg.author.is_bot:
            return None
        entries = await self._entries(community.id)
        if not entries:
            return None
        text = " ".join(views.folded.split())
        scored = max(((score(c, text), c) for c in entries), key=lambda pair: pair[0])
        confidence, best = scored
        if confidence < self.config.faq.threshold:
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
