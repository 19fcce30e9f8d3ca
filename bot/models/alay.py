"""Indonesian chat slang ("alay") rewritten word by word into standard Indonesian for the model."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import groupby
from types import MappingProxyType

SUFFIXES = ("nya", "lah", "kah")
"""Clitics looked up on top of a slang word: `gwnya` reads as `akunya`, `udahlah` as `sudahlah`."""

LEET = {"4": "a", "3": "e", "1": "i", "0": "o", "5": "s", "7": "t", "6": "g", "9": "g", "8": "b"}
_LEET_TABLE = str.maketrans(LEET)
_NOT_REDUPLICATED = frozenset({"ber", "ter", "per"})
"""`ber2` is `berdua` (two together), not a reduplicated word."""

_TOKEN = re.compile(
    r"(?P<keep>(?:https?://|www\.)\S++"  # links
    r"|[@#]\w++"  # mentions and hashtags
    r"|\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|[nrt])"  # escaped bytes and line breaks in exported text
    r"|&#?[a-z0-9]++;"  # HTML entities (&amp; &gt; &#128514;)
    r"|(?<![a-z0-9])dr\.(?=\s)"  # the title dr. (dokter), not dr (dari)
    r"|\d++(?:[.,]\d++)*+ ?(?:km|kg|gr|mb|gb|cm|mm|ml|m)(?![a-z0-9]))"  # quantities: 5 km
    r"|(?P<dotted>[a-z0-9]++(?:\.[a-z0-9]++)++)"
    r"|(?P<word>[a-z0-9]++)"
)
_WORD = re.compile(r"[a-z0-9]++")
_DOMAINS = frozenset("com net org id co io me info xyz ly gg tv app dev".split())
_REDUPLICATED = re.compile(r"([a-z]+)2(nya|an|ku|mu|lah|kah)?")
_INNER_LEET = re.compile(r"(?<=[a-z])[013456789](?=[a-z])")
_DIGIT_PAIR = re.compile(r"\d\d")
_ELONGATED = re.compile(r"(.)\1{2,}")
_REPEATED = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    slang: Mapping[str, str]
    forms: dict[str, str]
    """Every spelling with a known reading: words with a clitic (`akunya`, `gwnya`), standard
    words (reading themselves) and slang words, later ones winning."""
    by_shape: dict[str, tuple[str, ...]]
    """Forms by their shape (every run of a letter cut to one), longest first."""


def parse_table(text: str) -> tuple[dict[str, str], frozenset[str]]:
    """The slang pairs and the standard words of an alay table (see `data/alay.tsv`)."""
    slang: dict[str, str] = {}
    standard: set[str] = set()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, _, target = line.partition("\t")
        if not _WORD.fullmatch(key) or (
            target and not re.fullmatch(r"[a-z]+(?:[ -][a-z]+)*", target)
        ):
            raise ValueError(f"alay table line {number}: expected 'slang<TAB>standard' or a word")
        if key in slang:
            raise ValueError(f"alay table line {number}: {key!r} is listed twice")
        if target:
            slang[key] = target
            standard.update(re.split(r"[ -]", target))
        else:
            standard.add(key)
    return slang, frozenset(standard)


def _build(slang: dict[str, str], standard: frozenset[str]) -> _Lexicon:
    forms: dict[str, str] = {w + suffix: w + suffix for w in standard for suffix in SUFFIXES}
    for key, target in slang.items():
        if len(key) >= 2 and " " not in target:
            forms.update({key + suffix: target + suffix for suffix in SUFFIXES})
    forms.update({word: word for word in standard})
    forms.update(slang)
    shapes: dict[str, list[str]] = {}
    for form in forms:
        shapes.setdefault(_REPEATED.sub(r"\1", form), []).append(form)
    by_shape = {s: tuple(sorted(f, key=lambda w: (-len(w), w))) for s, f in shapes.items()}
    return _Lexicon(MappingProxyType(slang), forms, by_shape)


@cache
def _lexicon() -> _Lexicon:
    text = (resources.files("bot.models") / "data" / "alay.tsv").read_text("utf-8")
    return _build(*parse_table(text))


def alay_table() -> Mapping[str, str]:
    """The shipped slang table (slang word -> standard words), read once."""
    return _lexicon().slang


def alay_vocabulary() -> frozenset[str]:
    """Every spelling the table can read: slang, slang with a clitic, and standard words."""
    return frozenset(_lexicon().forms)


def normalize_alay(text: str) -> str:
    """`text` lower-cased with each slang word replaced by its standard reading.

    Word by word: table look-up, elongation (`bangeeet` -> `banget`, while `maaf` and `saat`
    keep their doubles), reduplication (`orang2` -> `orang-orang`), leetspeak digits inside
    words (`s4y4` -> `saya`, never `2024` or `50rb`) and the -nya/-lah/-kah clitics. Links,
    mentions, hashtags, HTML entities, escaped bytes (`\\xf0`), quantities (`5 km`) and all
    punctuation are kept. Idempotent; never raises; linear in the length of the text.
    """
    return _TOKEN.sub(_rewrite, text.lower())


def _rewrite(match: re.Match[str]) -> str:
    word = match["word"]
    if word is not None:
        return _normalize_word(word)
    dotted = match["dotted"]
    if dotted is not None and dotted.rsplit(".", 1)[1] not in _DOMAINS:
        return _WORD.sub(lambda part: _normalize_word(part[0]), dotted)
    return match[0]


@lru_cache(maxsize=65_536)
def _normalize_word(word: str) -> str:
    lexicon = _lexicon()
    known = lexicon.forms.get(word)
    if known is not None:
        return known
    if word.isalpha():
        return _read_letters(word, lexicon)
    if word.isdigit():
        return word
    doubled = _REDUPLICATED.fullmatch(word)
    if doubled is not None:
        return _reduplicate(doubled[1], doubled[2] or "", word, lexicon)
    letters = word.translate(_LEET_TABLE)
    if not letters.isalpha() or _DIGIT_PAIR.search(word) or _count_letters(word) < 2:
        return word
    found = _lookup(letters, lexicon)
    if found is not None:
        return found
    if len(_INNER_LEET.findall(word)) >= 2 and _count_letters(word) >= 3:
        return _read_letters(letters, lexicon)
    return word


def _reduplicate(base: str, suffix: str, word: str, lexicon: _Lexicon) -> str:
    """`orang2` -> `orang-orang`, `sm2` -> `sama-sama`; `ke2` (kedua) and `ber2` stay."""
    if base in _NOT_REDUPLICATED or (len(base) < 3 and base not in lexicon.slang):
        return word
    reading = _read_letters(base, lexicon)
    if " " in reading:
        return reading + suffix
    return f"{reading}-{reading}{suffix}"


def _read_letters(word: str, lexicon: _Lexicon) -> str:
    found = _lookup(word, lexicon)
    return found if found is not None else _ELONGATED.sub(r"\1", word)


def _lookup(word: str, lexicon: _Lexicon) -> str | None:
    """The reading of the first known form this word can be an elongation of, if any.

    A form matches when it has the word's shape and none of its runs is longer than the
    word's (`maaaaf` matches `maaf`; `kerennnn` matches `keren`)."""
    known = lexicon.forms.get(word)
    if known is not None:
        return known
    shape = _REPEATED.sub(r"\1", word)
    candidates = lexicon.by_shape.get(shape)
    if not candidates or len(shape) < 2:
        return None
    runs = _runs(word)
    for form in candidates:
        if all(have <= limit for have, limit in zip(_runs(form), runs, strict=True)):
            return lexicon.forms[form]
    return None


def _runs(word: str) -> list[int]:
    return [sum(1 for _ in group) for _, group in groupby(word)]


def _count_letters(word: str) -> int:
    return sum(char.isalpha() for char in word)
