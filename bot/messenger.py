"""Send the bot's own messages (notices, welcomes, answers) through the right adapter."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from adapters.base import Adapter
from bot.actions import Posted, Reply

log = logging.getLogger(__name__)


class Messenger:
    """Routes replies by platform. A failed send is logged, never raised: a welcome that does
    not go out must not stop moderation."""

    def __init__(self, adapters: Mapping[str, Adapter]) -> None:
        self._adapters = adapters

    async def send(self, reply: Reply) -> Posted | None:
        adapter = self._adapters.get(reply.platform)
        if adapter is None:
            return None
        try:
            return await adapter.send(reply)
        except Exception:  # noqa: BLE001
            log.exception("could not send a message on %s", reply.platform)
            return None

    async def edit(self, posted: Posted, text: str) -> None:
        adapter = self._adapters.get(posted.platform)
        if adapter is None:
            return
        try:
            await adapter.edit(posted, text)
        except Exception:  # noqa: BLE001
            log.exception("could not edit a message on %s", posted.platform)

    async def retract(self, posted: Posted) -> None:
        adapter = self._adapters.get(posted.platform)
        if adapter is None:
            return
        try:
            await adapter.retract(posted)
        except Exception:  # noqa: BLE001
            log.exception("could not remove a message on %s", posted.platform)
