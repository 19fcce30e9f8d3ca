"""What the bot posts on Telegram: messages, notice edits, removals, and their retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram import Bot, LinkPreviewOptions, Message, ReplyParameters
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut

from adapters.base import TransientError
from adapters.telegram.convert import PLATFORM, split_channel
from adapters.telegram.ui import clip, keyboard, mention
from bot.actions import Posted, Reply
from bot.config_telegram import TelegramConfig

log = logging.getLogger(__name__)
T = TypeVar("T")


class Outbox:
    """Plain text with mention entities, inline keyboards, quotes. A message asked to go
    away (`delete_after`, private answers) is removed by a timer; `close` drops the timers."""

    def __init__(
        self, bot: Bot, settings: TelegramConfig, name_of: Callable[[int], str | None]
    ) -> None:
        self._bot = bot
        self._settings = settings
        self._name_of = name_of
        self._later: set[asyncio.Task[None]] = set()

    def close(self) -> None:
        for task in list(self._later):
            task.cancel()

    async def send(self, reply: Reply) -> Posted | None:
        bot = self._bot
        chat, topic = split_channel(reply.channel_id or reply.community_id)
        wanted = [reply.mention_user_id or "", *reply.ping]
        people = [(int(user), self._name(user)) for user in wanted if user.isdigit()]
        text, entities = mention(reply.text, people)
        quoted = (
            ReplyParameters(int(reply.reply_to), allow_sending_without_reply=True)
            if reply.reply_to
            else None
        )
        sent: Message = await self._retrying(
            lambda: bot.send_message(
                chat,
                text,
                entities=entities or None,
                reply_markup=keyboard(reply.buttons),
                reply_parameters=quoted,
                message_thread_id=topic,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        posted = Posted(PLATFORM, reply.channel_id or str(chat), str(sent.message_id))
        after = reply.delete_after
        if reply.private_to:
            after = min(after or self._settings.private_reply_ttl, self._settings.private_reply_ttl)
        if after is not None:
            self._retract_later(posted, after)
        return posted

    def _name(self, user_id: str) -> str:
        return self._name_of(int(user_id)) or user_id

    async def edit(self, posted: Posted, text: str) -> None:
        """Show a new text; the buttons go (the notice has been decided)."""
        bot = self._bot
        chat, _ = split_channel(posted.channel_id)
        try:
            await self._retrying(
                lambda: bot.edit_message_text(clip(text), chat, int(posted.message_id))
            )
        except BadRequest as exc:
            if "not modified" not in exc.message and "not found" not in exc.message:
                raise
            log.info("notice %s not edited: %s", posted.message_id, exc.message)

    async def retract(self, posted: Posted) -> None:
        bot = self._bot
        chat, _ = split_channel(posted.channel_id)
        try:
            await self._retrying(lambda: bot.delete_message(chat, int(posted.message_id)))
        except BadRequest as exc:
            if "not found" not in exc.message:
                raise
            log.info("bot message %s was already gone", posted.message_id)

    def _retract_later(self, posted: Posted, after: timedelta) -> None:
        async def later() -> None:
            await asyncio.sleep(after.total_seconds())
            try:
                await self.retract(posted)
            except (TelegramError, TransientError) as exc:
                log.warning("could not remove bot message %s: %s", posted.message_id, exc)

        task = asyncio.create_task(later())
        self._later.add(task)
        task.add_done_callback(self._later.discard)

    async def _retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        """Retry a bot message when Telegram had a server error or kept rate limiting past
        the limiter's own retries. Timeouts are not retried: the message may have landed."""
        waits = list(self._settings.send_retries)
        while True:
            try:
                return await call()
            except (BadRequest, TimedOut):
                raise
            except (NetworkError, RetryAfter) as exc:
                if not waits:
                    raise
                wait = waits.pop(0)
                if isinstance(exc, RetryAfter):
                    after = exc.retry_after
                    seconds = after.total_seconds() if isinstance(after, timedelta) else after
                    wait = max(wait, float(seconds))
                log.info("telegram: %s; sending again in %.2fs", exc, wait)
                await asyncio.sleep(wait)
