"""The seam between the core and the platforms: protocols and the errors adapters raise."""

from __future__ import annotations

import asyncio
from typing import Protocol

from bot.actions import Action, Decision
from bot.events import Message


class TargetGone(Exception):
    """The target no longer exists (message deleted, member left): the target state holds."""


class PermissionDenied(Exception):
    """The bot may not do this (missing permission, target ranks above the bot)."""


class TransientError(Exception):
    """Try again later (rate limit, 5xx, timeout)."""


class Core(Protocol):
    """What adapters call."""

    async def on_message(self, msg: Message) -> Decision | None: ...


class Adapter(Protocol):
    """What the core calls. `apply` must be idempotent: actions state target states."""

    platform: str
    ready: asyncio.Event

    async def run(self, core: Core) -> None: ...

    async def apply(self, action: Action) -> None: ...
