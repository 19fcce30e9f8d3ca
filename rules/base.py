"""What every rule type shares: the Rule protocol, the context a rule reads, and its scope."""

from __future__ import annotations

import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict

from bot.events import Message
from rules.normalize import Views


class StrictModel(BaseModel):
    """Base of rule parameters and scopes: frozen, and unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


_DURATION_PART = re.compile(r"(\d+)\s*(w|d|h|m|s)")
_UNITS = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}


def parse_duration(value: Any) -> timedelta:
    """Read '30s', '10m', '1h30m', '7d', '2w' (or a number of seconds) as a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return timedelta(seconds=value)
    text = value.strip().lower() if isinstance(value, str) else ""
    parts = _DURATION_PART.findall(text)
    if not text or "".join(n + u for n, u in parts) != text.replace(" ", ""):
        raise ValueError(f"must be a duration like '30s', '10m', '1h30m' or '7d' (got {value!r})")
    return timedelta(seconds=sum(int(n) * _UNITS[u] for n, u in parts))


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]
"""A config duration: '30s', '10m', '1h30m', '7d', '2w'."""


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule found. `start`/`end` index the original text; `grey` means "ask a human"."""

    reason: str
    start: int = -1
    end: int = -1
    grey: bool = False


@dataclass(frozen=True, slots=True)
class Recent:
    """One earlier message of the same author, as the flood and duplicate rules remember it."""

    sent_at: datetime
    channel_id: str
    fingerprint: str


def fingerprint(views: Views) -> str:
    """What makes two messages "the same" for the duplicate rule: the folded words."""
    return " ".join(views.leet.split())


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a rule may read besides the message. Rules never do I/O.

    `recent` holds the author's earlier messages in this community, oldest first, the current
    one excluded. `scores` is None when the model did not run (not needed, timed out, down).
    """

    views: Views
    now: datetime
    recent: tuple[Recent, ...] = ()
    scores: Mapping[str, float] | None = None


class Rule(ABC):
    """Base of every rule type: built once from its params (precompile everything there),
    then `check`ed against each message.

    `check` is pure and synchronous: no I/O, no awaits. `cost` orders rules cheapest first;
    `needs_scores` tells the pipeline to run the model before evaluating.
    """

    Params: ClassVar[type[StrictModel]]
    cost: ClassVar[int] = 10
    needs_scores: ClassVar[bool] = False

    @abstractmethod
    def __init__(self, params: Any) -> None: ...

    @abstractmethod
    def check(self, msg: Message, ctx: Context) -> Finding | None: ...


class Scope(StrictModel):
    """Where a rule applies. Empty lists mean "everywhere"; moderators are exempt by default."""

    platforms: list[str] = []
    channels: list[str] = []
    exclude_channels: list[str] = []
    roles: list[str] = []
    exempt_roles: list[str] = []
    include_moderators: bool = False

    @functools.cached_property
    def _everywhere(self) -> bool:
        """No list narrows the scope (most rules): only the moderator exemption is left."""
        return not (
            self.platforms
            or self.channels
            or self.exclude_channels
            or self.roles
            or self.exempt_roles
        )

    def applies(self, msg: Message) -> bool:
        author = msg.author
        if author.is_moderator and not self.include_moderators:
            return False
        if self._everywhere:
            return True
        if self.platforms and msg.platform not in self.platforms:
            return False
        if self.channels and msg.channel_id not in self.channels:
            return False
        if msg.channel_id in self.exclude_channels:
            return False
        if self.roles and not author.roles.intersection(self.roles):
            return False
        return not author.roles.intersection(self.exempt_roles)
