"""Discord's gateway events as calls into the core: in order per server, one at a time."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

import discord

from adapters.base import Core
from adapters.discord import convert
from adapters.discord.convert import PLATFORM
from bot.config import Config
from bot.enforce import community_texts
from bot.events import BotStatus, Join, Member, PlatformAction
from bot.i18n import Texts

log = logging.getLogger(__name__)


class Inbound:
    """discord.py runs every event handler as its own task; here the events of one server
    take turns in the order they arrived (the flood window and the strike ladder see them
    as members sent them). Once `closing`, new events are dropped and `drain` waits for
    the ones under way, so none is cut off halfway when the bot stops."""

    def __init__(
        self,
        core: Core,
        client: discord.Client,
        config: Config,
        clock: Callable[[], datetime],
    ) -> None:
        self.core = core
        self.client = client
        self.config = config
        self.clock = clock
        self.closing = False
        self._turns: dict[int, asyncio.Lock] = {}
        self._busy: set[asyncio.Task[object]] = set()
        self._rights: dict[int, tuple[bool, bool]] = {}

    @asynccontextmanager
    async def working(self) -> AsyncIterator[None]:
        """Count as under way (so `drain` waits for it)."""
        task = asyncio.current_task()
        if task is not None:
            self._busy.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._busy.discard(task)

    @asynccontextmanager
    async def turn(self, guild_id: int) -> AsyncIterator[None]:
        """Take this server's turn (first come, first served) and count as under way."""
        async with self.working(), self._turns.setdefault(guild_id, asyncio.Lock()):
            yield

    @property
    def idle(self) -> bool:
        """Nothing under way (tests wait for it)."""
        return not self._busy

    async def drain(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait (at most `timeout` seconds) for the events under way to finish."""
        current = asyncio.current_task()
        busy = [task for task in self._busy if task is not current]
        if busy:
            await asyncio.wait(busy, timeout=timeout)

    def texts(self, guild_id: int) -> Texts:
        return community_texts(self.config, self.config.community_for(PLATFORM, str(guild_id)))

    def member(self, person: discord.Member | discord.User, guild: discord.Guild) -> Member:
        """A user as a member of `guild`, ranked by the roles the cache knows."""
        if not isinstance(person, discord.Member):
            person = guild.get_member(person.id) or person
        return convert.member(person, guild.id, self.config.discord.moderator_roles)

    def bot(self, guild: discord.Guild) -> Member:
        return self.member(guild.me, guild)

    async def message(self, message: discord.Message) -> None:
        if self.closing:
            return
        why = convert.skip_reason(message)
        if why is not None or message.guild is None:
            log.debug("not judged: %s in channel %s", why, message.channel.id)
            return
        guild = message.guild
        async with self.turn(guild.id):
            author = self.member(message.author, guild)
            await self.core.on_message(convert.to_message(message, author))

    async def edited(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edit the member made (not an embed Discord unfurled) is judged as a new text
        under the same message id."""
        message, before = payload.message, payload.cached_message
        if self.closing or message.edited_at is None or message.guild is None:
            return
        if convert.skip_reason(message) is not None:
            return
        if before is not None and convert.message_text(before) == convert.message_text(message):
            return
        guild = message.guild
        async with self.turn(guild.id):
            author = self.member(message.author, guild)
            await self.core.on_message(convert.to_message(message, author, edited=True))

    def welcome_channel(self, guild: discord.Guild) -> str | None:
        """The community's welcome channel here, else the server's system channel."""
        community = self.config.community_for(PLATFORM, str(guild.id))
        chosen = community.welcome_channels.get(PLATFORM)
        if chosen:
            return chosen
        return str(guild.system_channel.id) if guild.system_channel is not None else None

    async def joined(self, newcomer: discord.Member) -> None:
        if self.closing:
            return
        guild = newcomer.guild
        async with self.turn(guild.id):
            join = Join(
                member=self.member(newcomer, guild),
                at=newcomer.joined_at or self.clock(),
                member_count=guild.member_count,
                channel_id=self.welcome_channel(guild),
            )
            await self.core.on_join(join)

    async def audited(self, entry: discord.AuditLogEntry) -> None:
        """A ban, kick or timeout made by hand (in Discord itself, or by another bot) becomes
        a case. The bot's own actions come back here too, and are left alone."""
        made = convert.hand_made(entry)
        me = self.client.user
        if self.closing or made is None or (me is not None and entry.user_id == me.id):
            return
        kind, until = made
        guild = entry.guild
        target_id = getattr(entry.target, "id", None)
        if target_id is None:
            return
        async with self.turn(guild.id):
            person = guild.get_member(target_id) or self.client.get_user(target_id)
            target = (
                self.member(person, guild)
                if person is not None
                else Member(PLATFORM, str(guild.id), str(target_id), str(target_id))
            )
            actor_person = guild.get_member(entry.user_id) if entry.user_id else None
            actor = self.member(actor_person, guild) if actor_person is not None else None
            await self.core.on_platform_action(
                PlatformAction(
                    id=f"{guild.id}:{entry.id}",
                    kind=kind,
                    target=target,
                    actor=actor,
                    reason=entry.reason or "",
                    at=entry.created_at,
                    until=until,
                )
            )

    async def rights(self, guild: discord.Guild) -> None:
        """Tell the core what the bot may do in this server when that changed (it alerts
        the moderators when the bot cannot remove messages or sanction members)."""
        if self.closing or guild.me is None:
            return
        held = guild.me.guild_permissions
        now = (
            held.manage_messages,
            held.moderate_members and held.kick_members and held.ban_members,
        )
        if self._rights.get(guild.id) == now:
            return
        self._rights[guild.id] = now
        status = BotStatus(
            platform=PLATFORM,
            community_id=str(guild.id),
            chat_name=guild.name,
            is_admin=True,
            can_delete=now[0],
            can_restrict=now[1],
            at=self.clock(),
        )
        async with self.turn(guild.id):
            await self.core.on_bot_status(status)
