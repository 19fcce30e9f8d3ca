"""The rule types that read more than the text: the author's recent messages, age, files, and
the model's scores."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.events import Attachment

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def reason_of(found, expected: str | None = None) -> str | None:
    """The reason a moderator reads, cut to the length of the expected one when given."""
    if found is None:
        return None
    return found.reason[: len(expected)] if expected else found.reason


FAST = {"count": 3, "within": "10s"}


@pytest.mark.parametrize(
    ("params", "history", "flagged"),
    [
        (FAST, [(8, "a"), (4, "b")], True),
        (FAST, [(10, "a"), (4, "b")], True),
        (FAST, [(9, "a", "memes"), (4, "b", "memes")], True),
        ({**FAST, "per_channel": True}, [(9, "a", "memes"), (4, "b"), (3, "c")], True),
        ({"count": 5, "within": "1m"}, [(50, "a"), (40, "b"), (30, "c"), (5, "d")], True),
        (FAST, [(20, "a"), (4, "b")], False),
        (FAST, [], False),
        ({**FAST, "per_channel": True}, [(9, "a", "memes"), (4, "b", "memes")], False),
        ({"count": 5, "within": 30}, [(50, "a"), (40, "b"), (20, "c"), (5, "d")], False),
    ],
)
def test_flood_counts_this_message_and_the_recent_ones(
    judge, params: dict, history: list, flagged: bool
) -> None:
    assert (judge("flood", params, "hello", history=history) is not None) == flagged


@pytest.mark.parametrize(
    ("params", "history", "text", "reason"),
    [
        ({}, [(30, "buy now"), (20, "buy now")], "buy now", "same message 3 times in a row"),
        (
            {},
            [(50, "buy now"), (40, "hi"), (20, "buy now")],
            "buy now",
            "same message 3 times within",
        ),
        ({"within": None}, [(7200, "gm"), (3600, "gm")], "gm", "same message 3 times in a row"),
        ({}, [(7200, "gm"), (3600, "gm")], "gm", None),  # a daily greeting is not spam
        ({}, [(30, "BUY NOW"), (20, "bսy  ｎｏｗ")], "Buy now", "same message 3 times in a row"),
        ({"count": 2}, [(5, "Ünïcödé")], "unicode", "same message 2 times in a row"),
        ({}, [(30, "buy now"), (20, "hi")], "buy now", None),
        ({}, [(120, "buy now"), (90, "hi"), (20, "buy now")], "buy now", None),
        ({}, [(30, "buy now"), (20, "buy now")], "buy now!", None),
        ({}, [(30, ""), (20, "")], "", None),
        ({}, [(30, "\u200b"), (20, " ")], "\u200b ", None),
    ],
)
def test_duplicates(judge, params: dict, history: list, text: str, reason: str | None) -> None:
    assert reason_of(judge("duplicates", params, text, history=history), reason) == reason


NEW_ACCOUNT = {"account_younger_than": "1d"}
LINKS_FROM_NEW = {"account_younger_than": "1d", "only_if": ["link", "invite"]}


@pytest.mark.parametrize(
    ("params", "text", "options", "reason"),
    [
        (NEW_ACCOUNT, "hi", {"account_age": HOUR}, "account 1h old"),
        ({"member_younger_than": "10m"}, "hi", {"member_age": HOUR / 12}, "joined 5m ago"),
        (LINKS_FROM_NEW, "see example.com", {"account_age": HOUR}, "account 1h old, posted link"),
        (LINKS_FROM_NEW, "discord.gg/x", {"account_age": HOUR}, "account 1h old, posted invite"),
        (
            {**NEW_ACCOUNT, "only_if": ["attachment", "mention"]},
            "look",
            {"account_age": HOUR, "attachments": (Attachment("a.png", "image"),)},
            "account 1h old, posted attachment",
        ),
        (NEW_ACCOUNT, "hi", {"account_age": 2 * DAY}, None),
        (NEW_ACCOUNT, "hi", {}, None),
        ({"member_younger_than": "10m"}, "hi", {"account_age": HOUR}, None),
        (LINKS_FROM_NEW, "just saying hello", {"account_age": HOUR}, None),
    ],
)
def test_newcomer(judge, params: dict, text: str, options: dict, reason: str | None) -> None:
    assert reason_of(judge("newcomer", params, text, **options)) == reason


def files(*names: str, kind: str = "file") -> dict:
    return {"attachments": tuple(Attachment(name, kind) for name in names)}


@pytest.mark.parametrize(
    ("params", "options", "reason"),
    [
        ({"deny_kinds": ["video"]}, files("clip.mp4", kind="video"), "video attachment 'clip.mp4'"),
        ({"deny_extensions": ["exe", ".scr"]}, files("a.png", "setup.EXE"), "file type .exe in"),
        ({"allow_extensions": ["png", "jpg"]}, files("doc.pdf"), "file type .pdf in 'doc.pdf'"),
        ({"allow_extensions": ["png"]}, files("README"), "file type (none) in 'README'"),
        ({"max_count": 2}, files("1.png", "2.png", "3.png"), "3 attachments (limit 2)"),
        ({"deny_kinds": ["video"]}, files("cat.png", kind="image"), None),
        ({"deny_extensions": ["exe"]}, files("notes.exe.txt", "photo.png"), None),
        ({"allow_extensions": ["png", "jpg"]}, files("A.JPG", "b.png"), None),
        ({"max_count": 2}, {}, None),
    ],
)
def test_attachments(judge, params: dict, options: dict, reason: str | None) -> None:
    assert reason_of(judge("attachments", params, "", **options), reason) == reason


@pytest.mark.parametrize(
    ("params", "scores", "outcome"),
    [
        ({}, {"toxicity": 0.95}, "act"),
        ({}, {"toxicity": 0.9}, "act"),
        ({"label": "insult", "act_at": 0.8}, {"insult": 0.85, "toxicity": 0.1}, "act"),
        ({}, {"toxicity": 0.8}, "ask a human"),
        ({}, {"toxicity": 0.7}, "ask a human"),
        ({}, {"toxicity": 0.5}, None),
        ({}, None, None),
        ({}, {"insult": 0.99}, None),
        ({"escalate_at": None}, {"toxicity": 0.85}, None),
    ],
)
def test_toxicity(judge, params: dict, scores: dict | None, outcome: str | None) -> None:
    found = judge("toxicity", params, "whatever", scores=scores)
    assert (found and ("ask a human" if found.grey else "act")) == outcome
