"""The language guesser: which model (English or Indonesian) reads a member's message."""

from __future__ import annotations

import pytest

from bot import faq
from bot.models.langid import LANGUAGES, detect_language, language_scores


@pytest.mark.parametrize(
    "text",
    [
        "I go to school, you are stupid",
        "what time does the event start?",
        "lol that's so funny",
        "@USER @USER she should be in jail URL",
        "Good morning everyone",
        "I love you",
        "fuck you",
        "ya know what I mean",
        "Dan is here",
        "That is so annoying, anjing",
        "nice",
        "thanks",
    ],
)
def test_english_is_english(text: str) -> None:
    assert detect_language(text, default="id") == "en"


@pytest.mark.parametrize(
    "text",
    [
        "Saya tidak setuju dengan keputusan itu.",
        "Presiden meminta pemerintah daerah segera menyelesaikan masalah banjir",
        "Selamat pagi semuanya",
        "aku cinta kamu",
        "jam berapa acaranya mulai?",
        "dimana parkir ya?",
        "Jakarta macet parah",
        "dasar otak udang",
    ],
)
def test_formal_and_everyday_indonesian_is_indonesian(text: str) -> None:
    assert detect_language(text, default="en") == "id"


@pytest.mark.parametrize(
    "text",
    [
        "gw gk tau bgt sm lo",
        "anjirrr kerennnn bgt sihhh",
        "bgst lu",
        "4nj1ng lo",
        "goblok lo",
        "wkwkwk",
        "anjir",
        "makasih",
        "mantap",
    ],
)
def test_slang_indonesian_is_indonesian(text: str) -> None:
    assert detect_language(text, default="en") == "id"


@pytest.mark.parametrize(
    "text",
    [
        "gue lagi sibuk banget, so sorry ya",
        "btw meeting nya jadi jam 3 kan?",
        "I think dia bener sih",
    ],
)
def test_code_mixed_chat_with_indonesian_grammar_goes_to_indonesian(text: str) -> None:
    assert detect_language(text, default="en") == "id"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "ok",
        "haha",
        "hmm",
        "😂😂😂",
        "2024",
        "https://x.com/a @budi #tag",
        "USER USER URL",
        r"\xf0\x9f\x98\x82",
    ],
)
def test_text_without_words_of_either_language_goes_to_the_default(text: str) -> None:
    assert language_scores(text) == {"en": 0.0, "id": 0.0}
    assert detect_language(text, default="id") == "id"
    assert detect_language(text) == "en"


def test_links_mentions_hashtags_and_placeholders_are_not_evidence() -> None:
    assert detect_language("#MakeAmericaGreatAgain @TheRealDeal kamu bodoh") == "id"
    assert detect_language("RT USER: kamu bodoh URL") == "id"
    assert detect_language("https://kompas.com/berita-hari-ini gimana nih") == "id"
    assert detect_language("https:\\/\\/t.co\\/9y4HIWHJp2 what is this") == "en"


def test_escaped_emoji_bytes_and_mojibake_are_not_read_as_words() -> None:
    assert detect_language(r"\xf0\x9f\x98\x82 gw ketawa\nsumpah") == "id"
    assert detect_language("Cantik Ã°???Ã¢?Â¤Ã¯Â¸?") == "id"


def test_the_answer_is_always_a_language_a_router_can_use() -> None:
    for text in ["", "wkwk lol", "Que bom", "Привет", "こんにちは", "USER"]:
        assert detect_language(text) in LANGUAGES
        assert detect_language(text, default="id") in LANGUAGES


def test_scores_grow_with_evidence() -> None:
    short, long = language_scores("kamu"), language_scores("kamu tidak tahu apa-apa")
    assert 0 < short["id"] < long["id"] and short["en"] == long["en"] == 0


@pytest.mark.parametrize(
    "hostile",
    [
        "gw " * 350_000,
        "a" * 1_000_000,
        "z\u0300\u0301\u0302a\u0303l\u0304g\u0305o " * 1000,
        "kamu\x00bodoh",
        "kamu \u202ebodoh\u202c",
        "kamu \ud800 bodoh \udfff",
        "😂" * 100_000,
    ],
    ids=["words-1mb", "one-token-1mb", "zalgo", "nul", "rtl", "surrogates", "emoji"],
)
def test_hostile_input_never_raises(hostile: str) -> None:
    assert detect_language(hostile) in LANGUAGES


def test_the_faq_answers_in_the_language_this_guesser_names() -> None:
    assert faq.detect_language is detect_language
