"""Moderator-written patterns: the ones that could hang a bot are refused with the reason, and
every one accepted runs through hostile input in linear time."""

from __future__ import annotations

import random
import time

import pytest

from rules.patterns import (
    MAX_PATTERN_CHARS,
    PatternError,
    compile_user_pattern,
    find_nested_quantifier,
)

NESTED_QUANTIFIERS = [
    r"(a+)+",
    r"(a+)+$",
    r"^(a+)+?$",
    r"(a*)*b",
    r"(.*)*",
    r"(?:a+)+",
    r"([a-zA-Z]+)*",
    r"(x+x+)+y",
    r"(\w+\s?)+$",
    r"(\d+)*x",
    r"(a{2,})+",
    r"((ab)*)+",
    r"^(([a-z])+.)+[A-Z]([a-z])+$",
    r"(.*){1,32000}[bc]",
    r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}[a-z]{2,3}$",
]
NESTED_UNDER_A_COUNT = [r"(.*a){20}", r"(.*?,){11}P", r"(x+x+){3}y"]
BACKREFERENCES = [r"(a)\1", r"(\w+)\s+\1", r"(a+)\1", r"(a)(b)\2", r"(?i)(free)\s*\1"]
NAMED_BACKREFERENCES = [r"(?P<w>\w+) (?P=w)", r"(?P<w>\w+) \k<w>"]
LOOKAHEADS = [r"(?=a)b", r"foo(?!bar)", r"^(?!.*free).*nitro"]
LOOKBEHINDS = [r"(?<=a)b", r"(?<!@)everyone"]

ACCEPTED = [
    r"(a|aa)+",
    r"(a|a)+b",
    r"(a|ab)*c",
    r"(\w|\d)+$",
    r"a*a*a*a*a*a*b",
    r".*.*.*=.*",
    r"^.*$",
    r"a{0,1000}b",
    r"(?i)free\s+n[i1!]tro",
    r"[(a+)+]",
    r"\(a+\)+",
    r"(a+)?",
    r"(ab){3}",
    r"(a{2}){3}",
    r"^(\d{4}-)+$",
    r"(foo|bar|baz)+",
    r"[^x]*x[^x]*y",
    r"\bdiscord\.gg/\w+",
    r"\p{Greek}+",
]


def test_the_corpus_is_big_enough_to_mean_something() -> None:
    corpus = (
        NESTED_QUANTIFIERS
        + NESTED_UNDER_A_COUNT
        + BACKREFERENCES
        + NAMED_BACKREFERENCES
        + LOOKAHEADS
        + LOOKBEHINDS
        + ACCEPTED
    )
    assert len(set(corpus)) >= 30


def refusal(pattern: str) -> str:
    with pytest.raises(PatternError) as refused:
        compile_user_pattern(pattern)
    return str(refused.value)


@pytest.mark.parametrize("pattern", NESTED_QUANTIFIERS)
def test_a_nested_quantifier_is_refused_and_the_fix_is_shown(pattern: str) -> None:
    message = refusal(pattern)
    assert f"nested quantifier {find_nested_quantifier(pattern)!r}" in message
    assert "drop the outer quantifier" in message


@pytest.mark.parametrize("pattern", NESTED_UNDER_A_COUNT)
def test_a_repeat_inside_a_group_repeated_a_fixed_number_of_times_is_refused(
    pattern: str,
) -> None:
    assert "nested quantifier" in refusal(pattern)


@pytest.mark.parametrize("pattern", BACKREFERENCES)
def test_a_backreference_is_refused(pattern: str) -> None:
    assert "uses a backreference" in refusal(pattern)


@pytest.mark.parametrize("pattern", NAMED_BACKREFERENCES)
def test_a_named_backreference_is_refused_as_a_backreference(pattern: str) -> None:
    assert "uses a backreference" in refusal(pattern)


@pytest.mark.parametrize("pattern", LOOKAHEADS)
def test_a_lookahead_is_refused(pattern: str) -> None:
    assert "uses lookahead, which RE2 does not support" in refusal(pattern)


@pytest.mark.parametrize("pattern", LOOKBEHINDS)
def test_a_lookbehind_is_refused(pattern: str) -> None:
    assert "uses lookbehind, which RE2 does not support" in refusal(pattern)


@pytest.mark.parametrize(
    ("pattern", "says"),
    [
        ("", "is empty"),
        ("x" * (MAX_PATTERN_CHARS + 1), "is 261 characters long; the limit is 260"),
        ("(" * 200 + "a" + ")" * 60, "is 261 characters long"),
        ("(free", "is not valid RE2 syntax (missing ): (free)"),
        ("a{1001}", "is not valid RE2 syntax"),
    ],
)
def test_other_refusals_say_what_to_change(pattern: str, says: str) -> None:
    assert says in refusal(pattern)


def test_a_pattern_of_exactly_the_limit_is_accepted() -> None:
    assert compile_user_pattern("a" * MAX_PATTERN_CHARS).search("a" * 300) is not None


@pytest.mark.parametrize(
    ("pattern", "nested"),
    [
        ("(a+)+$", "(a+)+"),
        ("x(?:ab*)+y", "(?:ab*)+"),
        ("(a{2,3}){2,}", "(a{2,3}){2,}"),
        ("((a)+)", None),
        ("(a{0,1})+", None),
        ("[(a+)+]", None),
        (r"\(a+\)+", None),
        ("(a+)?", None),
    ],
)
def test_find_nested_quantifier_names_the_repeated_group(pattern: str, nested: str | None) -> None:
    assert find_nested_quantifier(pattern) == nested


def _adversarial_inputs() -> dict[str, str]:
    noise = random.Random(20260301)
    size = 4096
    return {
        "a-run": "a" * size,
        "a-run-then-bang": "a" * (size - 1) + "!",
        "ab-pairs": "ab" * (size // 2),
        "no-a": "x" * size,
        "lines": ("a" * 63 + "\n") * (size // 64),
        "spaces": " " * size,
        "commas": "1," * (size // 2),
        "accents": "é" * size,
        "noise": "".join(noise.choice("ab ,=x!@\n1") for _ in range(size)),
        "spam": ("free nitro " * 400)[:size],
    }


ADVERSARIAL = _adversarial_inputs()
ONE_MB = "a" * (1 << 20) + "!"


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_an_accepted_pattern_runs_through_hostile_input(pattern: str) -> None:
    compiled = compile_user_pattern(pattern)
    slowest = 0.0
    for text in ADVERSARIAL.values():
        started = time.perf_counter()
        found = compiled.search(text)
        slowest = max(slowest, time.perf_counter() - started)
        assert found is None or 0 <= found.start() <= found.end() <= len(text)
    started = time.perf_counter()
    found = compiled.search(ONE_MB)
    one_mb = time.perf_counter() - started
    print(f"{pattern!r}: slowest 4 KB match {slowest * 1000:.2f} ms, 1 MB {one_mb * 1000:.1f} ms")
    assert found is None or found.end() <= len(ONE_MB)
    assert one_mb < 1.0


@pytest.mark.parametrize(
    ("pattern", "text", "matched"),
    [
        (r"(a|aa)+", "x" * 100 + "aaaa", "aaaa"),
        (r"(\w|\d)+$", "a" * 4095 + "!", None),
        (r"(?i)free\s+n[i1!]tro", "get FREE  N1TRO now", "FREE  N1TRO"),
        (r"^(\d{4}-)+$", "2026-0301-", "2026-0301-"),
        (r"\bdiscord\.gg/\w+", "join discord.gg/abc!", "discord.gg/abc"),
    ],
)
def test_an_accepted_pattern_still_means_what_it_says(
    pattern: str, text: str, matched: str | None
) -> None:
    found = compile_user_pattern(pattern).search(text)
    assert (found.group(0) if found else None) == matched
