"""Newcomer: what brand-new accounts and members may not post yet."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

from pydantic import model_validator

from bot.events import Message
from rules.base import Context, Duration, Finding, Rule, StrictModel
from rules.invites import invite_code
from rules.links import message_links

Feature = Literal["link", "invite", "attachment", "mention"]


class NewcomerRule(Rule):
    """Flags a message from an account younger than `account_younger_than`, or a member who
    joined less than `member_younger_than` ago, when it has any of `only_if` (empty: any
    message). Unknown ages never count as new.
    """

    class Params(StrictModel):
        account_younger_than: Duration | None = None
        member_younger_than: Duration | None = None
        only_if: list[Feature] = []

        @model_validator(mode="after")
        def _check(self) -> NewcomerRule.Params:
            if self.account_younger_than is None and self.member_younger_than is None:
                raise ValueError("give `account_younger_than`, `member_younger_than` or both")
            return self

    cost: ClassVar[int] = 8

    def __init__(self, params: Params) -> None:
        self._account = params.account_younger_than
        self._member = params.member_younger_than
        self._only_if = frozenset(params.only_if)

    def _newness(self, msg: Message) -> str | None:
        author = msg.author
        if self._account and author.account_created_at:
            age = msg.sent_at - author.account_created_at
            if age < self._account:
                return f"account {_short(age)} old"
        if self._member and author.joined_at:
            age = msg.sent_at - author.joined_at
            if age < self._member:
                return f"joined {_short(age)} ago"
        return None

    def _features(self, msg: Message, ctx: Context) -> set[str]:
        found: set[str] = set()
        if msg.attachments:
            found.add("attachment")
        if msg.mentions or msg.role_mentions or msg.mentions_everyone:
            found.add("mention")
        for link in message_links(msg, ctx):
            found.add("invite" if invite_code(link.host, link.path) else "link")
        return found

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        newness = self._newness(msg)
        if newness is None:
            return None
        if not self._only_if:
            return Finding(newness)
        posted = self._features(msg, ctx) & self._only_if
        if not posted:
            return None
        return Finding(f"{newness}, posted {', '.join(sorted(posted))}")


def _short(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{max(seconds, 0)}s"
