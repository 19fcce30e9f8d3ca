"""A command described once (name, options, who may run it, handler) for every platform."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from bot.actions import Response, Target
from bot.config import CommunityConfig
from bot.events import Invocation, Member
from bot.i18n import Texts

if TYPE_CHECKING:
    from bot.services import Services

OptionKind = Literal["member", "duration", "integer", "text", "word"]


@dataclass(frozen=True, slots=True)
class Option:
    """One option. `member` options are resolved by the adapter into `Invocation.target`."""

    name: str
    kind: OptionKind
    required: bool = False
    minimum: int = 1
    maximum: int = 1000


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler gets: the invocation, its parsed options and the core's services."""

    invocation: Invocation
    community: CommunityConfig
    texts: Texts
    args: dict[str, Any]
    services: Services
    now: datetime

    @property
    def actor(self) -> Member:
        return self.invocation.actor

    @property
    def target(self) -> Target:
        """The member option as an action target (checked present by the router)."""
        member = self.invocation.target
        user_id = member.user_id if member else self.invocation.target_id
        assert user_id is not None
        return Target(
            self.invocation.platform,
            self.invocation.community_id,
            user_id,
            member.name if member else user_id,
            self.invocation.channel_id,
            self.invocation.message_id or "",
        )

    @property
    def origin(self) -> str:
        return f"cmd:{self.invocation.platform}:{self.invocation.id}"

    def say(self, key: str, private: bool = True, **values: object) -> Response:
        return Response(self.texts(key, **values), private)


Handler = Callable[[Context], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Command:
    """A command spec. `moderator` commands need a moderator; `acts_on_member` commands also
    need a target member ranked below both the moderator and the bot."""

    name: str
    handler: Handler
    options: tuple[Option, ...] = ()
    moderator: bool = True
    acts_on_member: bool = False
    absent_ok: bool = False
    """The member may be gone from the platform (unban): act on the id alone."""
