"""An interaction the test started and everything the bot answered to it.

`Interaction` collects the callbacks (`response()`), the original response message, edits of
it and followups (`followup(n)`); `texts()` is what the member read. Interaction ids and tokens
are checked by the callback routes like Discord's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.platforms.discord.world import Channel

CHAT_INPUT, USER_MENU, MESSAGE_MENU = 1, 2, 3
APPLICATION_COMMAND, MESSAGE_COMPONENT, MODAL_SUBMIT = 2, 3, 5


@dataclass(eq=False)
class Interaction:
    """One interaction and the bot's answers: callbacks, the original response, followups."""

    id: int
    token: str
    payload: dict[str, Any]
    channel: Channel
    created: float = field(default_factory=time.monotonic)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    original: dict[str, Any] | None = None
    followups: list[dict[str, Any]] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def response(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The callback body the bot POSTed (`{"type": 4, "data": {...}}`)."""
        await self._until(lambda: bool(self.callbacks), timeout)
        return self.callbacks[0]

    async def followup(
        self,
        index: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The `index`-th followup message the bot sent through the webhook."""
        await self._until(lambda: len(self.followups) > index, timeout)
        return self.followups[index]

    def texts(self) -> list[str]:
        """Every text the member saw: callback content, edits of the original, followups."""
        bodies = [c.get("data") or {} for c in self.callbacks] + self.edits + self.followups
        return [b["content"] for b in bodies if b.get("content")]

    def notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def _until(self, ready: Any, timeout: float) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while not ready():
                await self._changed.wait()


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for component in components:
        yield component
        yield from walk_components(component.get("components", []))
        for key in ("component", "accessory"):
            if isinstance(component.get(key), dict):
                yield from walk_components([component[key]])
