"""Attachments: file kinds and extensions a community does not accept."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel

Kind = Literal["image", "video", "audio", "sticker", "file"]


def _extension(value: str) -> str:
    ext = value.strip().lower()
    return ext if ext.startswith(".") else f".{ext}"


class AttachmentsRule(Rule):
    """Flags denied kinds, denied extensions, extensions outside `allow_extensions` (when
    given), or more than `max_count` files."""

    class Params(StrictModel):
        deny_kinds: list[Kind] = []
        deny_extensions: list[str] = []
        allow_extensions: list[str] = []
        max_count: int | None = Field(default=None, ge=0)

        @field_validator("deny_extensions", "allow_extensions")
        @classmethod
        def _extensions(cls, values: list[str]) -> list[str]:
            return [_extension(v) for v in values]

    cost: ClassVar[int] = 3

    def __init__(self, params: Params) -> None:
        self._kinds = frozenset(params.deny_kinds)
        self._deny = frozenset(params.deny_extensions)
        self._allow = frozenset(params.allow_extensions)
        self._max = params.max_count

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        files = msg.attachments
        if self._max is not None and len(files) > self._max:
            return Finding(f"{len(files)} attachments (limit {self._max})")
        for attachment in files:
            name = attachment.filename.lower()
            ext = name[name.rfind(".") :] if "." in name else ""
            if attachment.kind in self._kinds:
                return Finding(f"{attachment.kind} attachment {attachment.filename[:60]!r}")
            if ext in self._deny or (self._allow and ext not in self._allow):
                return Finding(f"file type {ext or '(none)'} in {attachment.filename[:60]!r}")
        return None
