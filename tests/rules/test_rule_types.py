"""The rule types that read a message's text (besides words): what each flags, what it lets
through, and the part of the text a moderator is shown."""

from __future__ import annotations

import unicodedata

import pytest


def evidence(judge, rule_type: str, params: dict, text: str, **options) -> str | None:
    """What the moderator is shown: the flagged part of the text, or the reason alone."""
    found = judge(rule_type, params, text, **options)
    if found is None:
        return None
    return text[found.start : found.end] if found.start >= 0 else f"({found.reason})"


def reason_of(found) -> str | None:
    return None if found is None else found.reason


@pytest.mark.parametrize(
    ("params", "text", "shown"),
    [
        ({"patterns": [r"free\s+nitro"]}, "get FREE   Nitro now", "FREE   Nitro"),
        ({"patterns": ["free nitro"]}, "ＦＲＥＥ ＮＩＴＲＯ", "ＦＲＥＥ ＮＩＴＲＯ"),
        ({"patterns": ["Nitro"], "view": "text", "case_sensitive": True}, "a Nitro", "Nitro"),
        ({"patterns": ["n[i1]tro"], "view": "text"}, "get N1TRO", "N1TRO"),
        ({"patterns": ["shit"], "view": "leet"}, "oh $h1t", "$h1t"),
        ({"patterns": ["fuck"], "view": "collapsed"}, "fuuuuck", "fuuuuck"),
        ({"patterns": ["^anjing$"], "view": "joined"}, "a n j i n g", "a n j i n g"),
        ({"patterns": ["Nitro"], "view": "text", "case_sensitive": True}, "nitro", None),
        ({"patterns": ["free nitro"], "view": "text"}, "ＦＲＥＥ ＮＩＴＲＯ", None),
        ({"patterns": ["shit"]}, "oh $h1t", None),
        ({"patterns": ["fuck"], "view": "leet"}, "fuuuuck", None),
        ({"patterns": ["^anjing$"]}, "a n j i n g", None),
    ],
)
def test_regex_reads_the_view_it_names(judge, params: dict, text: str, shown: str | None) -> None:
    assert evidence(judge, "regex", params, text) == shown


DENY = {"deny": ["example.com", "grabify.link"]}
ALLOW_ONLY = {"block_all": True, "allow": ["youtube.com", "*.github.io"]}


@pytest.mark.parametrize(
    ("params", "text", "options", "shown"),
    [
        (DENY, "see example.com/x", {}, "example.com/x"),
        (DENY, "https://sub.example.com/a?b=1 ok", {}, "https://sub.example.com/a?b=1"),
        (DENY, "visit EXAMPLE.COM.", {}, "EXAMPLE.COM"),
        (DENY, "ｅｘａｍｐｌｅ．ｃｏｍ", {}, "ｅｘａｍｐｌｅ．ｃｏｍ"),
        (
            DENY,
            "look",
            {"links": ("https://www.example.com/p",)},
            "(link to denied domain www.example.com)",
        ),
        (DENY, "notexample.com", {}, None),
        (DENY, "example.com.evil.org", {}, None),
        (DENY, "example.community", {}, None),
        (DENY, "write to bob@example.com", {}, None),
        (ALLOW_ONLY, "random.xyz rocks", {}, "random.xyz"),
        (ALLOW_ONLY, "tiny.cc/abc", {}, "tiny.cc/abc"),
        (ALLOW_ONLY, "hi", {"links": ("https://evil.example/x",)}, "(link to evil.example)"),
        (ALLOW_ONLY, "http://192.168.0.1/login", {}, "http://192.168.0.1/login"),
        (ALLOW_ONLY, "upgrade to 1.2.3.4 tonight", {}, None),
        (ALLOW_ONLY, "https://m.youtube.com/watch?v=1", {}, None),
        (ALLOW_ONLY, "foo.github.io/x", {}, None),
        (ALLOW_ONLY, "see you at 3.30, bring file.txt and v1.2.3", {}, None),
    ],
)
def test_links(judge, params: dict, text: str, options: dict, shown: str | None) -> None:
    assert evidence(judge, "links", params, text, **options) == shown


OURS = {"allow": ["ourserver", "@ourgroup"]}


@pytest.mark.parametrize(
    ("params", "text", "options", "shown"),
    [
        (OURS, "join discord.gg/abc", {}, "discord.gg/abc"),
        (OURS, "see https://discord.com/invite/xyz", {}, "https://discord.com/invite/xyz"),
        (OURS, "https://discordapp.com/invite/q", {}, "https://discordapp.com/invite/q"),
        (OURS, "t.me/+AbCdEf", {}, "t.me/+AbCdEf"),
        (OURS, "https://t.me/joinchat/AAAA", {}, "https://t.me/joinchat/AAAA"),
        (OURS, "gas", {"links": ("https://discord.gg/zzz",)}, "(discord invite zzz)"),
        (OURS, "discord.gg/ourserver", {}, None),
        (OURS, "t.me/ourgroup and t.me/+ourgroup", {}, None),
        (OURS, "https://discord.com/channels/1/2", {}, None),
        (OURS, "discord.gg", {}, None),
        ({"platforms": ["telegram"]}, "discord.gg/abc", {}, None),
        ({"platforms": ["discord"]}, "t.me/+AbCdEf", {}, None),
    ],
)
def test_invites(judge, params: dict, text: str, options: dict, shown: str | None) -> None:
    assert evidence(judge, "invites", params, text, **options) == shown


@pytest.mark.parametrize(
    ("params", "text", "options", "shown"),
    [
        ({}, "@everyone look", {}, "@everyone"),
        ({}, "hey @here", {}, "@here"),
        ({}, "＠everyone", {}, "＠everyone"),
        ({}, "＠ｅｖｅｒｙｏｎｅ free nitro", {}, "＠ｅｖｅｒｙｏｎｅ"),
        ({}, "@\u200beveryone", {}, "@\u200beveryone"),
        ({}, "hi", {"mentions_everyone": True}, "(@everyone attempt)"),
        ({"max_unique": 3}, "hi", {"mentions": ("1", "2", "3", "4")}, "(4 mentions (limit 3))"),
        (
            {"max_unique": 3},
            "x",
            {"mentions": ("1", "2"), "role_mentions": ("r", "s")},
            "(4 mentions (limit 3))",
        ),
        ({}, "@everyones and everyone here", {}, None),
        ({"everyone": False}, "@everyone", {"mentions_everyone": True}, None),
        ({"max_unique": 3}, "hi", {"mentions": ("1", "1", "1", "2", "2", "3")}, None),
        ({"max_unique": 3}, "hi", {"mentions": ("1", "2"), "role_mentions": ("r",)}, None),
    ],
)
def test_mentions(judge, params: dict, text: str, options: dict, shown: str | None) -> None:
    assert evidence(judge, "mentions", params, text, **options) == shown


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("STOP SPAMMING THE CHANNEL", True),
        ("WHY IS NOBODY ANSWERING ME?!", True),
        ("ＴＯＬＯＮＧ ＢＡＬＡＳ ＳＥＫＡＲＡＮＧ", True),
        ("OK LOL", False),
        ("NASA and the ESA launched it today", False),
        ("😀😀😀 !!! 123 ???", False),
    ],
)
def test_caps(judge, text: str, flagged: bool) -> None:
    assert (judge("caps", {"max_ratio": 0.7, "min_letters": 12}, text) is not None) == flagged


FAMILY, FLAG, THUMB = "👨\u200d👩\u200d👧\u200d👦", "🇮🇩", "👍🏽"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("👍" * 4, "4 emoji (limit 3)"),
        ("".join(f"<:pog:{i}>" for i in range(4)), "4 emoji (limit 3)"),
        ("🇮🇩🇯🇵🇺🇸🇬🇧", "4 emoji (limit 3)"),
        ("<a:dance:1> ❤️ 🏳️\u200d🌈 😀 " + FAMILY, "5 emoji (limit 3)"),
        (FAMILY * 3, None),
        (FLAG * 3, None),
        (THUMB * 3, None),
        (":) :D <3 <:not an emoji>", None),
    ],
)
def test_emoji_are_counted_as_a_reader_sees_them(judge, text: str, reason: str | None) -> None:
    assert reason_of(judge("emoji", {"max": 3}, text)) == reason


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("h̸̡̛̗̖e̴͙̊͝l̵̨̈́l̷o̸", True),
        ("a" + "\u0301" * 4, True),
        ("".join(c + "\u0301\u0302" for c in "abcde"), True),
        ("Tiếng Việt rất đẹp, người ở đâu", False),
        (unicodedata.normalize("NFD", "Tiếng Việt rất đẹp, người ở đâu"), False),
        ("ภาษาไทยเป็นภาษาที่สวยงาม น้ำผึ้ง", False),
        ("नमस्ते दुनिया", False),
        ("n̶o̶t̶ ̶z̶a̶l̶g̶o̶", False),
    ],
)
def test_zalgo_but_not_languages_with_marks(judge, text: str, flagged: bool) -> None:
    assert (judge("zalgo", {}, text) is not None) == flagged


@pytest.mark.parametrize(
    ("params", "text", "reason"),
    [
        ({"max_chars": 10}, "x" * 11, "11 characters (limit 10)"),
        ({"max_lines": 3}, "a\nb\nc\nd", "4 lines (limit 3)"),
        ({"max_chars": 3000, "max_lines": 40}, "\n" * 50, "51 lines (limit 40)"),
        ({"max_chars": 10}, "x" * 10, None),
        ({"max_lines": 3}, "a\nb\nc", None),
        ({"max_chars": 3000, "max_lines": 40}, "a normal message", None),
    ],
)
def test_length(judge, params: dict, text: str, reason: str | None) -> None:
    assert reason_of(judge("length", params, text)) == reason
