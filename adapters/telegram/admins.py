"""Who administers each chat: a cached `getChatAdministrators`, refreshed when it changes."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from telegram import Bot, ChatMember
from telegram.error import TelegramError

log = logging.getLogger(__name__)


class Admins:
    """Admin lists per chat, kept for `ttl`. A `chat_member` update that touches an admin
    drops the chat's list (`drop`), and the next lookup fetches it again. When Telegram
    cannot be asked, the last list known is used; with none, nobody counts as an admin."""

    def __init__(
        self, bot: Bot, ttl: timedelta, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._bot = bot
        self._ttl = ttl.total_seconds()
        self._clock = clock
        self._lists: dict[int, tuple[float, dict[int, ChatMember]]] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    async def of(self, chat_id: int) -> dict[int, ChatMember]:
        """The chat's admins by user id (the owner included)."""
        kept = self._lists.get(chat_id)
        if kept is not None and self._clock() - kept[0] < self._ttl:
            return kept[1]
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        async with lock:
            kept = self._lists.get(chat_id)
            if kept is not None and self._clock() - kept[0] < self._ttl:
                return kept[1]
            try:
                found = await self._bot.get_chat_administrators(chat_id)
            except TelegramError as exc:
                log.warning("could not read the admins of chat %s: %s", chat_id, exc)
                return kept[1] if kept is not None else {}
            admins = {held.user.id: held for held in found}
            self._lists[chat_id] = (self._clock(), admins)
            return admins

    async def status(self, chat_id: int, user_id: int) -> str | None:
        """`creator` or `administrator`, or None for everyone else."""
        held = (await self.of(chat_id)).get(user_id)
        return held.status if held is not None else None

    def drop(self, chat_id: int) -> None:
        self._lists.pop(chat_id, None)
