"""The normaliser: what each view shows a rule, and that evidence points at what was written."""

from __future__ import annotations

import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.normalize import MAX_SCAN_CHARS, fold, normalize

VIEWS = ("text", "folded", "leet", "collapsed", "joined")
INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Mn", "Me"})


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("ＨＥＬＬＯ", "hello"),
        ("𝐛𝐢𝐭𝐜𝐡", "bitch"),
        ("Ünïcödé", "unicode"),
        ("ﬁne", "fine"),
        ("Straße", "strasse"),
        ("сука", "cyka"),
        ("ⓐⓝⓙⓘⓝⓖ", "anjing"),
        ("b\u200bi\u200bt\u200bc\u200bh", "bitch"),
        ("f\u200du\u200dc\u200dk", "fuck"),
        ("ha\u202eha", "haha"),
        ("a\x00b", "ab"),
        ("x\u0336y\u0336", "xy"),
        ("café\tbar\nbaz\u00a0qux", "cafe bar baz qux"),
        ("\ud800ok", "ok"),
    ],
)
def test_folded_view_reads_like_plain_lower_case_latin(written: str, folded: str) -> None:
    assert normalize(written).folded == folded


@pytest.mark.parametrize(
    ("written", "leet"),
    [("Sh1t $h!t", "shit shit"), ("4nj1ng", "anjing"), ("b@ngs@7", "bangsat"), ("h3||0", "heiio")],
)
def test_leet_view_reads_digits_and_symbols_as_letters(written: str, leet: str) -> None:
    assert normalize(written).leet == leet


@pytest.mark.parametrize(
    ("written", "collapsed"),
    [("fuuuuck", "fuck"), ("aaanjjjiiing", "anjing"), ("b!!!tch", "bitch"), ("book", "bok")],
)
def test_collapsed_view_cuts_repeated_letters_to_one(written: str, collapsed: str) -> None:
    assert normalize(written).collapsed == collapsed


@pytest.mark.parametrize(
    ("written", "joined", "runs"),
    [
        ("a n j i n g", "anjing", ((0, 6),)),
        ("f.u.c.k you", "fuck you", ((0, 4),)),
        ("kamu b-a-b-i", "kamu babi", ((5, 9),)),
        ("I am ok. A b c d", "i am ok. abcd", ((9, 13),)),
        ("hello!!! world", "hello!!! world", ()),
        ("an ordinary sentence", "an ordinary sentence", ()),
    ],
)
def test_joined_view_reads_spelled_out_letters_as_one_word(
    written: str, joined: str, runs: tuple[tuple[int, int], ...]
) -> None:
    views = normalize(written)
    assert (views.joined, views.runs) == (joined, runs)


@pytest.mark.parametrize(
    ("written", "view", "word", "evidence"),
    [
        ("ＨＥＬＬＯ 𝐛𝐢𝐭𝐜𝐡", "folded", "bitch", "𝐛𝐢𝐭𝐜𝐡"),
        ("ﬁne, you bitch", "folded", "bitch", "bitch"),
        ("Straße", "folded", "ss", "ß"),
        ("b\u200bi\u200bt\u200bc\u200bh!", "folded", "bitch", "b\u200bi\u200bt\u200bc\u200bh"),
        ("$h1t happens", "leet", "shit", "$h1t"),
        ("oh fuuuuck off", "collapsed", "fuck", "fuuuuck"),
        ("a n j i n g", "joined", "anjing", "a n j i n g"),
        ("dasar a.n.j.i.n.g kau", "joined", "anjing", "a.n.j.i.n.g"),
        ("ＨＥＬＬＯ 𝐛𝐢𝐭𝐜𝐡", "text", "𝐛𝐢𝐭𝐜𝐡", "𝐛𝐢𝐭𝐜𝐡"),
    ],
)
def test_origin_is_the_span_the_member_actually_wrote(
    written: str, view: str, word: str, evidence: str
) -> None:
    views = normalize(written)
    start = views.view(view).index(word)
    begin, end = views.origin(view, start, start + len(word))
    assert written[begin:end] == evidence


def test_an_empty_span_maps_to_an_empty_span() -> None:
    views = normalize("hello there")
    assert views.origin("folded", 3, 3) == (3, 3)


def test_an_empty_match_at_the_end_of_a_longer_view_stays_inside_the_text() -> None:
    views = normalize("ﬁﬁﬁ")  # folds to "ffiffiffi": the view is longer than the text
    begin, end = views.origin("folded", 9, 9)
    assert 0 <= begin == end <= 3


def test_a_message_is_read_only_up_to_the_scan_limit() -> None:
    views = normalize("a" * MAX_SCAN_CHARS + "bitch")
    assert len(views.text) == MAX_SCAN_CHARS
    assert "bitch" not in views.folded


HOSTILE = {
    "1 MB message": "you are a bitch " * 65_536,
    "10,000 combining marks": "a" + "\u0301" * 10_000 + " anjing",
    "NUL bytes": "\x00".join("bangsat lu") * 1000,
    "RTL override": "\u202eanjing\u202c" * 2000,
    "lone surrogates": "\ud800\udfff\udbff" * 5000 + "x",
    "zero-width joiners": "\u200d".join("fuck") * 5000,
    "one letter per word": "a " * 500_000,
    "only separators": ".-" * 500_000,
    "astral letters": "𝐛𝐢𝐭𝐜𝐡 " * 50_000,
    "empty": "",
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_never_crashes_and_costs_nothing_noticeable(text: str) -> None:
    started = time.perf_counter()
    views = normalize(text)
    for name in VIEWS:
        begin, end = views.origin(name, 0, len(views.view(name)))
        assert 0 <= begin <= end <= len(views.text)
    _ = views.runs
    elapsed = time.perf_counter() - started
    print(f"normalize + origin of every view: {elapsed * 1000:.1f} ms")
    assert elapsed < 1.0


def test_a_combining_mark_flood_folds_to_the_letters_alone() -> None:
    assert normalize(HOSTILE["10,000 combining marks"]).folded == "a anjing"


ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.characters(categories=["Cs", "Cf", "Mn", "Me", "Zs", "Zl", "Cc"]),
        st.sampled_from("aeiostx 14@$!|.-*\u200b\u200d\u202e\u0336ＡΑАⓐ𝐚🇦"),
    ),
    max_size=200,
)


@settings(max_examples=400, deadline=None)
@given(text=ANY_TEXT, data=st.data())
def test_every_view_maps_back_inside_the_original_text(text: str, data: st.DataObject) -> None:
    views = normalize(text)
    for name in VIEWS:
        shown = views.view(name)
        begin, end = views.origin(name, 0, len(shown))
        assert 0 <= begin <= end <= len(text)
        assert (begin < end) == bool(shown)
        if shown:
            start = data.draw(st.integers(0, len(shown) - 1), label=f"{name} start")
            stop = data.draw(st.integers(start + 1, len(shown)), label=f"{name} end")
            inner = views.origin(name, start, stop)
            assert begin <= inner[0] < inner[1] <= end


@settings(max_examples=400, deadline=None)
@given(text=ANY_TEXT)
def test_folding_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT)
def test_the_folded_view_holds_no_invisible_characters_and_only_plain_spaces(text: str) -> None:
    folded = normalize(text).folded
    assert not [c for c in folded if unicodedata.category(c) in INVISIBLE]
    assert not [c for c in folded if c.isspace() and c != " "]
    assert folded == folded.casefold()
