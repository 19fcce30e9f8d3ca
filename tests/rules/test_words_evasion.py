"""The words rule sees through the tricks members use to slip abuse past a filter, and leaves
ordinary English and Indonesian alone."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest

from rules.words import lexicon_names

ALL_LEXICONS = {"lexicons": lexicon_names()}
"""The shipped lists together: what the default profanity, slurs and insults rules read."""


def each_letter(rewrite: Callable[[str], str]) -> Callable[[str], str]:
    return lambda word: "".join(rewrite(c) for c in word)


def letter_block(first: int) -> Callable[[str], str]:
    """Letters a..z to the 26 code points starting at `first` (fullwidth, bold, circled...)."""
    return each_letter(lambda c: chr(first + ord(c) - ord("a")))


def mask_first_inner_vowel(word: str) -> str:
    inner = next(i for i in range(1, len(word) - 1) if word[i] in "aeiou")
    return word[:inner] + "*" + word[inner + 1 :]


def lookalikes(table: dict[str, str]) -> Callable[[str], str]:
    return each_letter(lambda c: table.get(c, c))


CYRILLIC = dict(zip("aeopcyxi", "аеорсухі", strict=True))
GREEK = dict(zip("aiouvkt", "αιουνκτ", strict=True))
LEET = dict(zip("aeiost", "431057", strict=True))

TECHNIQUES: dict[str, Callable[[str], str]] = {
    "plain": lambda word: word,
    "leetspeak": lookalikes(LEET),
    "symbol_mask": mask_first_inner_vowel,
    "spaced_letters": " ".join,
    "dotted_letters": ".".join,
    "repeated_letters": each_letter(lambda c: c * 4 if c in "aeiou" else c),
    "cyrillic_homoglyphs": lookalikes(CYRILLIC),
    "greek_homoglyphs": lookalikes(GREEK),
    "zero_width_space": "\u200b".join,
    "fullwidth": letter_block(0xFF41),
    "math_bold_letters": letter_block(0x1D41A),
    "emoji_regional_letters": lambda word: "\u200b".join(letter_block(0x1F1E6)(word)),
    "emoji_squared_letters": letter_block(0x1F170),
    "circled_letters": letter_block(0x24D0),
    "combining_strike": each_letter(lambda c: c + "\u0336"),
    "accented": lambda word: unicodedata.normalize(
        "NFC", "".join(c + "\u0308" if c in "aeiou" else c for c in word)
    ),
}

SENTENCES = [
    ("en", "you are a {}", "bitch"),
    ("en", "what the {} man", "fuck"),
    ("id", "dasar {} kau", "anjing"),
    ("id", "{} lu", "bangsat"),
]

CASES = [
    pytest.param(template.format(rewrite(word)), rewrite(word), id=f"{technique}-{lang}-{word}")
    for technique, rewrite in TECHNIQUES.items()
    for lang, template, word in SENTENCES
]


def test_every_technique_really_rewrites_the_word() -> None:
    rewritten = {name: rewrite("bangsat") for name, rewrite in TECHNIQUES.items()}
    assert len(TECHNIQUES) == 16
    assert len(set(rewritten.values())) == len(TECHNIQUES)


@pytest.mark.parametrize(("message", "rewritten"), CASES)
def test_an_obfuscated_listed_word_is_caught(judge, message: str, rewritten: str) -> None:
    assert judge("words", ALL_LEXICONS, message) is not None


@pytest.mark.parametrize(("message", "rewritten"), CASES)
def test_the_evidence_covers_the_whole_rewritten_word(judge, message: str, rewritten: str) -> None:
    found = judge("words", ALL_LEXICONS, message)
    where = message.index(rewritten)
    assert found.start <= where and where + len(rewritten) <= found.end
    # A spelled-out run may take in the one-letter word before it: "a b i t c h".
    assert found.end - found.start <= len(rewritten) + len("a ")


CLEAN = [
    "Scunthorpe United won on Saturday",
    "the assessment is due on Friday",
    "a classic film",
    "a secret passage",
    "one cocktail please",
    "reading Dickens tonight",
    "the analysis is done",
    "c l a s s starts at nine",
    "let's talk later",
    "I'll pass, thanks",
    "a glass of water",
    "Asuransi kesehatan wajib untuk karyawan",
    "Dia lahir di Taiwan",
    "Ular taipan sangat berbisa",
    "Kontes menyanyi dimulai besok",
    "Bapak babinsa datang ke desa kami",
    "Kasus korupsi itu sedang diselidiki",
    "Mari kita ke pantai",
    "Sepantasnya kita saling menghormati",
    "Anjungan tunai mandiri ada di lobi",
    "tahu bulat digoreng dadakan",
    "Kamu mau makan apa? Terima kasih banyak ya",
    "Hati-hati di jalan, gak apa-apa kok",
    "Tahun depan aku kuliah di Bandung",
]


@pytest.mark.parametrize("message", CLEAN)
def test_ordinary_words_that_contain_a_listed_word_are_left_alone(judge, message: str) -> None:
    assert judge("words", ALL_LEXICONS, message) is None


def test_the_misspelling_shitake_is_caught_because_the_lexicon_lists_any_word_with_shit(
    judge,
) -> None:
    # en-profanity lists `*shit*`: every word containing "shit" is profanity by design.
    assert judge("words", ALL_LEXICONS, "shitake noodles").reason == "listed word"


LEXICON_FALSE_POSITIVES = [
    "fried shiitake mushrooms",
    "Matsushita made this radio",
    "a niggardly tip",
    "Nenek menyimpan uang di celengan",
    "Dia menjadi pelerai dalam perkelahian itu",
    "Gereja Pantekosta di Indonesia",
    "Bunga begonia itu cantik",
]


@pytest.mark.parametrize("message", LEXICON_FALSE_POSITIVES)
def test_ordinary_words_hit_by_a_shipped_wildcard(judge, message: str) -> None:
    assert judge("words", ALL_LEXICONS, message) is None


@pytest.mark.parametrize(
    "message", ["you idiot!", "moron!!!", "retard!", "dasar asu!", "kamu bodoh!", "kys!"]
)
def test_a_listed_word_followed_by_an_exclamation_mark_is_caught(judge, message: str) -> None:
    assert judge("words", ALL_LEXICONS, message) is not None


@pytest.mark.parametrize(
    ("message", "caught"),
    [
        ("fuck off", "fuck"),
        ("what the fucking hell", "fucking"),
        ("he fucks up", "fucks"),
        ("FUUUCKING hell", "FUUUCKING"),
        ("motherfucker", None),
        ("unfuckable", None),
    ],
)
def test_a_trailing_wildcard_matches_any_ending(judge, message: str, caught: str | None) -> None:
    found = judge("words", {"words": ["fuck*"]}, message)
    assert (message[found.start : found.end] if found else None) == caught


@pytest.mark.parametrize(
    ("message", "caught"),
    [
        ("you son of a bitch", "son of a bitch"),
        ("son   of-a...bitch.", "son   of-a...bitch"),
        ("s o n o f a b i t c h", "s o n o f a b i t c h"),
        ("son of a gun", None),
        ("a bitch", None),
    ],
)
def test_a_phrase_matches_across_any_separators(judge, message: str, caught: str | None) -> None:
    found = judge("words", {"words": ["son of a bitch"]}, message)
    assert (message[found.start : found.end] if found else None) == caught


def test_a_community_exception_lets_its_word_through_but_not_the_rest(judge) -> None:
    params = {"lexicons": ["en-profanity"], "exceptions": ["Shiitake"]}
    assert judge("words", params, "fried SHIITAKE mushrooms") is None
    assert judge("words", params, "shiitake and shit").reason == "listed word"


def test_an_exception_is_compared_after_folding(judge) -> None:
    params = {"lexicons": ["id-kasar"], "exceptions": ["anjing"]}
    assert judge("words", params, "ANJING saya lucu") is None
    assert judge("words", params, "anjir lucu banget") is not None


@pytest.mark.parametrize(
    ("message", "whole_word", "caught"),
    [
        ("Dia lahir di Taiwan", True, False),
        ("Dia lahir di Taiwan", False, True),
        ("Mari kita ke pantai", False, True),
        ("tai kucing", True, True),
        ("tai kucing", False, True),
    ],
)
def test_whole_word_false_matches_inside_longer_words(
    judge, message: str, whole_word: bool, caught: bool
) -> None:
    found = judge("words", {"words": ["tai"], "whole_word": whole_word}, message)
    assert (found is not None) == caught


@pytest.mark.parametrize(
    ("message", "caught"),
    [("a s s", True), ("c l a s s", False), ("b a n g s a t lu", True), ("t a i w a n", False)],
)
def test_spelled_out_short_words_count_only_as_the_whole_run(
    judge, message: str, caught: bool
) -> None:
    found = judge("words", ALL_LEXICONS, message)
    assert (found is not None) == caught
    assert found is None or found.reason == "listed word (spelled out)"
