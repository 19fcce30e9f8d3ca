"""The alay normaliser: what the model reads when an Indonesian member writes chat slang."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models.alay import SUFFIXES, alay_table, alay_vocabulary, normalize_alay, parse_table


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("gue gak tau", "aku tidak tahu"),
        ("gw ga ngerti", "aku tidak mengerti"),
        ("gua nggak mau", "aku tidak mau"),
        ("lo kagak dateng", "kamu tidak datang"),
        ("lu udah makan blm", "kamu sudah makan belum"),
        ("elu ngga usah bacot", "kamu tidak usah bacot"),
        ("keren bgt yg itu", "keren banget yang itu"),
        ("dgn siapa?", "dengan siapa?"),
        ("krn karna", "karena karena"),
        ("tp sm aja", "tapi sama saja"),
        ("kalo klo emg gitu", "kalau kalau memang begitu"),
        ("gimana gmn knp", "bagaimana bagaimana kenapa"),
        ("udh dah udah", "sudah sudah sudah"),
        ("gpp kok", "tidak apa-apa kok"),
        ("makasih ya kak", "terima kasih ya kak"),
        ("dimana kmn", "di mana ke mana"),
        ("skrg ntar kmrn", "sekarang nanti kemarin"),
        ("anjg anjink", "anjing anjing"),
        ("bgst bngst bangsad", "bangsat bangsat bangsat"),
        ("kntl", "kontol"),
        ("tai tae", "tahi tahi"),
        ("gblk goblog", "goblok goblok"),
    ],
)
def test_chat_slang_reads_as_standard_indonesian(written: str, read: str) -> None:
    assert normalize_alay(written) == read


@pytest.mark.parametrize("exclamation", ["anjir", "anjay", "anjrit", "njir"])
def test_mild_exclamations_are_not_turned_into_the_abusive_word(exclamation: str) -> None:
    assert normalize_alay(f"{exclamation} keren") == f"{exclamation} keren"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("bangeeet", "banget"),
        ("kerennnn", "keren"),
        ("bgttttt", "banget"),
        ("gakkkk", "tidak"),
        ("sayaaaang", "sayang"),
        ("anjiiiing", "anjing"),
        ("maaaaaf", "maaf"),
        ("saaaaat", "saat"),
        ("tungguuuu", "tunggu"),
        ("kontoll", "kontol"),
    ],
)
def test_elongated_letters_collapse_to_the_word(written: str, read: str) -> None:
    assert normalize_alay(written) == read


@pytest.mark.parametrize("word", ["saat", "maaf", "tunggu", "minggu", "allah", "sorry", "taat"])
def test_legitimate_double_letters_are_kept(word: str) -> None:
    assert normalize_alay(word) == word


def test_an_unknown_elongated_word_loses_only_its_runs_of_three() -> None:
    assert normalize_alay("cantiiiik bangettt, mantulll") == "cantik banget, mantap betul"
    assert normalize_alay("wkwkwkwk hahahaaaa") == "wkwkwkwk hahaha"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("orang2", "orang-orang"),
        ("hati2 ya", "hati-hati ya"),
        ("anak2nya", "anak-anaknya"),
        ("sm2", "sama-sama"),
        ("temen2 gw", "teman-teman aku"),
        ("ke2", "ke2"),
        ("ber2", "ber2"),
    ],
)
def test_reduplication_written_with_a_2_is_spelled_out(written: str, read: str) -> None:
    assert normalize_alay(written) == read


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("s4y4", "saya"),
        ("b3g0", "bego"),
        ("4njing", "anjing"),
        ("4nj1ng lu", "anjing kamu"),
        ("k0nt0l", "kontol"),
        ("b4ngs4tnya", "bangsatnya"),
        ("m4k4n yuk", "makan ayo"),
    ],
)
def test_digits_spelling_letters_inside_words_are_read_as_letters(written: str, read: str) -> None:
    assert normalize_alay(written) == read


@pytest.mark.parametrize(
    "text",
    [
        "tahun 2024",
        "harga rp50.000 atau 50rb",
        "jam 7.30",
        "10k",
        "covid19 h1n1 p3k mp3 4k 5m",
        "jarak 5 km, 2 kg",
    ],
)
def test_numbers_prices_and_codes_are_left_alone(text: str) -> None:
    assert normalize_alay(text) == text


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("gwnya", "akunya"),
        ("udahlah", "sudahlah"),
        ("kalokah", "kalaukah"),
        ("bgtnya", "bangetnya"),
    ],
)
def test_clitics_on_slang_words_are_kept_on_the_standard_word(written: str, read: str) -> None:
    assert normalize_alay(written) == read


@pytest.mark.parametrize("word", ["nikah", "salah", "galah", "hanya", "punya", "tanya", "sekolah"])
def test_ordinary_words_that_end_like_a_clitic_are_not_split(word: str) -> None:
    assert normalize_alay(word) == word


def test_punctuation_emoji_and_spacing_are_preserved() -> None:
    written = "Gw gak mau!!! 😂😂  (serius?) ...yg bener aja,\n lo."
    assert normalize_alay(written) == "aku tidak mau!!! 😂😂  (serius?) ...yang benar saja,\n kamu."


def test_links_mentions_hashtags_and_escaped_bytes_are_not_rewritten() -> None:
    written = r"@gw #yg https://contoh.id/gw?yg=1 www.gw.com lu.org &amp; \xf0\x9f\x98\x82\ngw"
    expected = r"@gw #yg https://contoh.id/gw?yg=1 www.gw.com lu.org &amp; \xf0\x9f\x98\x82\naku"
    assert normalize_alay(written) == expected


def test_the_title_dr_is_not_read_as_dari() -> None:
    assert normalize_alay("Dr. Budi dr rumah") == "dr. budi dari rumah"


def test_text_is_lower_cased() -> None:
    assert normalize_alay("SAYA GAK MAU") == "saya tidak mau"


@pytest.mark.parametrize(
    "english",
    [
        "i go to school, you are stupid",
        "good morning! i am so sorry, see you too",
        "what do you mean? that is not what i said.",
        "the main reason is the media and the film industry",
        "she is a total idiot and a liar",
        "kill yourself",
    ],
)
def test_english_passes_through_except_for_case(english: str) -> None:
    assert normalize_alay(english) == english
    assert normalize_alay(english.capitalize()) == english


@pytest.mark.parametrize(
    "hostile",
    [
        "gw " * 350_000,
        "a" * 1_000_000,
        "a." * 500_000,
        "😂" * 100_000,
        "g\u0336w\u0337 z\u0300\u0301\u0302\u0303a\u0304l\u0305g\u0306o" * 1000,
        "gw\x00yg\x00\x00lo",
        "gw \u202eyg lo\u202c",
        "gw \ud800 yg \udfff",
        "\ufeff\u200b\u200d",
        "",
    ],
    ids=[
        "words-1mb",
        "one-token-1mb",
        "dots-1mb",
        "emoji",
        "zalgo",
        "nul",
        "rtl",
        "surrogates",
        "invisible",
        "empty",
    ],
)
def test_hostile_input_never_raises_and_is_a_fixed_point(hostile: str) -> None:
    once = normalize_alay(hostile)
    assert isinstance(once, str)
    assert normalize_alay(once) == once


_KEYS = sorted(alay_table())
_WORDS = st.one_of(
    st.sampled_from(_KEYS),
    st.sampled_from(sorted(alay_vocabulary())),
    st.text("abgkmnorstuy0123456789", min_size=1, max_size=8),
    st.builds(lambda w, n: w + w[-1] * n, st.sampled_from(_KEYS), st.integers(1, 4)),
    st.builds(
        lambda w, s: w + s, st.sampled_from(_KEYS), st.sampled_from(["2", "2nya", *SUFFIXES])
    ),
)
_CHATS = st.lists(
    st.tuples(
        _WORDS, st.sampled_from([" ", ".", ",", "-", "", "\n", "@", "#", "\\", "&", ";", "5 "])
    ),
    max_size=8,
).map(lambda parts: "".join(word + gap for word, gap in parts))


@settings(max_examples=400, deadline=None)
@given(st.one_of(_CHATS, st.text()))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize_alay(text)
    assert normalize_alay(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("L", "N"))))
def test_text_without_letters_or_digits_is_only_lower_cased(text: str) -> None:
    assert normalize_alay(text) == text.lower()


def test_every_reading_in_the_table_is_already_standard() -> None:
    table = alay_table()
    for slang, standard in table.items():
        assert normalize_alay(standard) == standard, slang
        assert not set(re.split(r"[ -]", standard)) & set(table), slang


def test_the_shipped_table_is_the_teams_own_and_large_enough() -> None:
    text = (resources.files("bot.models") / "data" / "alay.tsv").read_text("utf-8")
    header = text[:400].lower()
    assert "written by the modbot team" in header and "mit" in header
    assert 600 <= len(alay_table()) <= 1000


def test_a_broken_table_line_is_reported_with_its_number() -> None:
    with pytest.raises(ValueError, match="line 2: expected"):
        parse_table("gw\taku\nGW\tAku\n")
    with pytest.raises(ValueError, match="line 3: 'gw' is listed twice"):
        parse_table("# comment\ngw\taku\ngw\tsaya\n")
    assert parse_table("gw\taku  # me\nsaat\n") == ({"gw": "aku"}, frozenset({"aku", "saat"}))
