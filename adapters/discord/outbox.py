"""What the bot posts on Discord: messages, notice edits, removals, and their retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TypeVar

import aiohttp
import discord

from adapters.base import TransientError
from adapters.discord import ui
from adapters.discord.convert import PLATFORM, display_name
from bot.actions import Posted, Reply

log = logging.getLogger(__name__)
T = TypeVar("T")
RETRIED = (discord.DiscordServerError, discord.RateLimited, aiohttp.ClientError, OSError)


class Outbox:
    """Every message pings only the members it addresses (`allowed_mentions` on each send
    and edit, besides the client's default of none). A notice with verdict buttons is an
    embed; a message asked to go away (`delete_after`) is removed by a timer that `close`
    drops. Server errors and rate limits past discord.py's own retries are retried after
    `retries` seconds, with one nonce per message so a retry never posts it twice."""

    def __init__(self, client: discord.Client, retries: Sequence[float]) -> None:
        self._client = client
        self._retries = list(retries)
        self._later: set[asyncio.Task[None]] = set()

    def close(self) -> None:
        for task in list(self._later):
            task.cancel()

    def _where(self, reply: Reply) -> int | None:
        """The channel: the reply's own, or for a reply to a whole server (a greeting with
        no welcome channel configured) the server's system channel."""
        channel = reply.channel_id or reply.community_id
        if channel and channel != reply.community_id:
            return int(channel)
        guild = self._client.get_guild(int(channel)) if channel.isdigit() else None
        if guild is None or guild.system_channel is None:
            return None
        return guild.system_channel.id

    def _name(self, reply: Reply) -> str | None:
        who = reply.mention_user_id
        guild = self._client.get_guild(int(reply.community_id)) if reply.community_id else None
        person = guild.get_member(int(who)) if guild is not None and who else None
        return display_name(person) if person is not None else None

    async def send(self, reply: Reply) -> Posted | None:
        channel_id = self._where(reply)
        if channel_id is None:
            log.warning("discord: nowhere to post in server %s: %s", reply.community_id, reply.text)
            return None
        text = ui.addressed(reply.text, reply.mention_user_id, self._name(reply), reply.ping)
        pinged = [u for u in (reply.mention_user_id or "", *reply.ping) if u.isdigit()]
        notice = ui.is_notice(reply.buttons)
        reference = None
        if reply.reply_to:
            reference = discord.MessageReference(
                message_id=int(reply.reply_to), channel_id=channel_id, fail_if_not_exists=False
            )
        channel = self._client.get_partial_messageable(channel_id)
        view, once = ui.view_of(reply.buttons), ui.nonce()

        async def post() -> discord.Message:
            if notice:
                return await channel.send(
                    embed=ui.notice_embed(reply.text),
                    view=view,  # type: ignore[arg-type]
                    allowed_mentions=ui.allowed(),
                    nonce=once,
                )
            return await channel.send(
                ui.clip(text),
                view=view,  # type: ignore[arg-type]
                allowed_mentions=ui.allowed(pinged),
                reference=reference,  # type: ignore[arg-type]
                nonce=once,
            )

        sent = await self._retrying(post)
        posted = Posted(PLATFORM, str(channel_id), str(sent.id))
        if reply.delete_after is not None:
            self._retract_later(posted, reply.delete_after)
        return posted

    def _message(self, posted: Posted) -> discord.PartialMessage:
        channel = self._client.get_partial_messageable(int(posted.channel_id))
        return channel.get_partial_message(int(posted.message_id))

    async def edit(self, posted: Posted, text: str) -> None:
        """A decided notice: the outcome in the embed, and no buttons any more."""
        message = self._message(posted)
        try:
            await self._retrying(
                lambda: message.edit(
                    embed=ui.notice_embed(text, decided=True),
                    view=None,
                    allowed_mentions=ui.allowed(),
                )
            )
        except discord.NotFound:
            log.info("notice %s is gone; not edited", posted.message_id)

    async def retract(self, posted: Posted) -> None:
        message = self._message(posted)
        try:
            await self._retrying(message.delete)
        except discord.NotFound:
            log.info("bot message %s was already gone", posted.message_id)

    def _retract_later(self, posted: Posted, after: timedelta) -> None:
        async def later() -> None:
            await asyncio.sleep(after.total_seconds())
            try:
                await self.retract(posted)
            except (discord.HTTPException, TransientError, *RETRIED) as exc:
                log.warning("could not remove bot message %s: %s", posted.message_id, exc)

        task = asyncio.create_task(later())
        self._later.add(task)
        task.add_done_callback(self._later.discard)

    async def _retrying(self, call: Callable[[], Awaitable[T]]) -> T:
        """Retry a bot message when Discord kept failing past discord.py's own retries (a
        503, a rate limit longer than `max_ratelimit_timeout`, a 429 from Cloudflare)."""
        waits = list(self._retries)
        while True:
            try:
                return await call()
            except discord.HTTPException as exc:
                retried = isinstance(exc, discord.DiscordServerError) or exc.status == 429
                if not retried or not waits:
                    raise
                failure: BaseException = exc
            except RETRIED as exc:
                if not waits:
                    raise
                failure = exc
            wait = waits.pop(0)
            log.info("discord: %s; sending again in %.2fs", failure, wait)
            await asyncio.sleep(wait)
