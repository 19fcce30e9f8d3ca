"""The seam between the core and the platforms: protocols and the errors adapters raise."""

from __future__ import annotations

import asyncio
from typing import Protocol

from bot.actions import Action, Decision, Posted, Reply, Response
from bot.events import (
    BotStatus,
    Invocation,
    Join,
    Message,
    PlatformAction,
    Report,
    Verification,
    Vote,
)


class TargetGone(Exception):
    """The target no longer exists (message deleted, member left): the target state holds."""


class PermissionDenied(Exception):
    """The bot may not do this (missing permission, target ranks above the bot)."""


class TransientError(Exception):
    """Try again later (rate limit, 5xx, timeout)."""


class Unreachable(Exception):
    """The platform could not be reached at the start (network down, wrong base URL)."""


class Core(Protocol):
    """What adapters call: one method per platform event."""

    async def on_message(self, msg: Message) -> Decision | None: ...

    async def on_join(self, join: Join) -> None: ...

    async def on_command(self, invocation: Invocation) -> Response: ...

    async def on_vote(self, vote: Vote) -> Response: ...

    async def on_report(self, report: Report) -> Response: ...

    async def on_verify(self, verification: Verification) -> Response: ...

    async def on_platform_action(self, action: PlatformAction) -> None: ...

    async def on_bot_status(self, status: BotStatus) -> None: ...

    async def tick(self) -> None: ...


class Adapter(Protocol):
    """What the core calls. `apply` must be idempotent: actions state target states."""

    platform: str
    ready: asyncio.Event

    async def run(self, core: Core) -> None: ...

    async def apply(self, action: Action) -> None: ...

    async def send(self, reply: Reply) -> Posted | None: ...

    async def edit(self, posted: Posted, text: str) -> None: ...

    async def retract(self, posted: Posted) -> None: ...
