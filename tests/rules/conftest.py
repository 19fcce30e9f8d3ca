"""A fake chat for rule tests: one member posts on a fixed clock, a rule judges the message."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.events import Member, Message
from rules import RULE_TYPES
from rules.base import Context, Finding, Recent, Rule, fingerprint
from rules.normalize import normalize

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
"""When the judged message is sent."""

Earlier = tuple[float, str] | tuple[float, str, str]
"""An earlier message of the same author: (seconds before NOW, text[, channel])."""


def build_rule(rule_type: str, params: dict[str, Any]) -> Rule:
    """A rule as the config loader builds it."""
    cls = RULE_TYPES[rule_type]
    return cls(cls.Params(**params))


def post(
    text: str,
    *,
    channel: str = "general",
    history: Sequence[Earlier] = (),
    scores: dict[str, float] | None = None,
    account_age: timedelta | None = None,
    member_age: timedelta | None = None,
    **fields: Any,
) -> tuple[Message, Context]:
    """The message a member sends now, and the context the pipeline hands each rule.

    Ages left out are unknown, as when a platform does not report them."""
    member = Member(
        "discord",
        "guild",
        "member-1",
        "Rina",
        joined_at=None if member_age is None else NOW - member_age,
        account_created_at=None if account_age is None else NOW - account_age,
    )
    msg = Message("discord", "guild", channel, "m-1", member, text, NOW, **fields)
    recent = tuple(_remembered(e) for e in sorted(history, key=lambda e: -e[0]))
    return msg, Context(views=normalize(text), now=NOW, recent=recent, scores=scores)


def _remembered(earlier: Earlier) -> Recent:
    seconds, text, *channel = earlier
    sent_at = NOW - timedelta(seconds=seconds)
    return Recent(sent_at, channel[0] if channel else "general", fingerprint(normalize(text)))


@pytest.fixture
def judge() -> Callable[..., Finding | None]:
    """`judge(rule_type, params, text, **post_options)`: what the rule finds in the message."""

    def run(rule_type: str, params: dict[str, Any], text: str = "", **options: Any):
        return build_rule(rule_type, params).check(*post(text, **options))

    return run
