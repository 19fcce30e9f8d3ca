"""Links: block listed domains, or every domain but the allowed ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from pydantic import field_validator, model_validator

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel
from rules.urls import Link, find_links, host_matches, parse_link


def message_links(msg: Message, ctx: Context) -> Iterator[Link]:
    """Links the platform reported and links written in the text (read from the folded view
    once per message: the links, invites and newcomer rules all read them)."""
    for url in msg.links:
        link = parse_link(url)
        if link is not None:
            yield link
    written = ctx.views.memo.get("links")
    if written is None:
        written = ctx.views.memo["links"] = tuple(
            Link(link.host, link.path, *ctx.views.origin("folded", link.start, link.end))
            for link in find_links(ctx.views.folded)
        )
    yield from written


def _domain(value: str) -> str:
    domain = value.strip().lower().removeprefix("*.").rstrip(".")
    if not domain or "/" in domain or " " in domain or "." not in domain:
        raise ValueError(f"{value!r} is not a domain; write it like 'example.com'")
    return domain


class LinksRule(Rule):
    """Flags a link to a denied domain, or with `block_all`, to any domain not allowed."""

    class Params(StrictModel):
        deny: list[str] = []
        allow: list[str] = []
        block_all: bool = False

        @field_validator("deny", "allow")
        @classmethod
        def _domains(cls, values: list[str]) -> list[str]:
            return [_domain(v) for v in values]

        @model_validator(mode="after")
        def _check(self) -> LinksRule.Params:
            if not self.deny and not self.block_all:
                raise ValueError("give `deny` domains or set `block_all = true`")
            return self

    cost: ClassVar[int] = 15

    def __init__(self, params: Params) -> None:
        self._deny = frozenset(params.deny)
        self._allow = frozenset(params.allow)
        self._block_all = params.block_all

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        for link in message_links(msg, ctx):
            if host_matches(link.host, self._allow):
                continue
            if host_matches(link.host, self._deny):
                return Finding(f"link to denied domain {link.host}", link.start, link.end)
            if self._block_all:
                return Finding(f"link to {link.host}", link.start, link.end)
        return None
