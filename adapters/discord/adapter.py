"""The Discord adapter: a discord.py client started inside modbot's own loop (as discord.py's
`advanced_startup` example: the app owns the loop, `async with` the client, log in, connect)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import discord

from adapters.base import Core, TransientError
from adapters.discord.actions import Actions
from adapters.discord.client import ModbotClient
from adapters.discord.convert import PLATFORM
from adapters.discord.inbound import Inbound
from adapters.discord.interactions import ACK_WITHIN, Interactions
from adapters.discord.outbox import Outbox
from adapters.discord.setup import login, point_at, refused_intents, refused_token
from adapters.redact import Redactor
from bot.actions import Action, Posted, Reply
from bot.commands import COMMANDS
from bot.commands.spec import Command
from bot.config import Config
from bot.events import utcnow

log = logging.getLogger(__name__)
AUTHENTICATION_FAILED = 4004


class DiscordAdapter:
    """Events in, per server in order; actions, messages and notice edits out. Discord's
    rate limits are waited out by discord.py up to `[discord] max_ratelimit_timeout`; a
    longer one leaves the action pending for the executor's retries."""

    platform = PLATFORM

    def __init__(
        self,
        config: Config,
        token: str,
        *,
        clock: Callable[[], datetime] = utcnow,
        source: str = "config",
        commands: Mapping[str, Command] = COMMANDS,
        client_class: type[ModbotClient] = ModbotClient,
        client_options: Mapping[str, Any] | None = None,
        ack_within: float = ACK_WITHIN,
    ) -> None:
        self.config = config
        self.settings = config.discord
        self._token = token
        self._clock = clock
        self._source = source
        self._commands = commands
        self._client_class = client_class
        self._client_options = dict(client_options or {})
        self._ack_within = ack_within
        self.ready = asyncio.Event()
        self._closed = asyncio.Event()
        self.client: ModbotClient | None = None
        self._actions: Actions | None = None
        self._outbox: Outbox | None = None

    def close(self) -> None:
        """Stop taking events, finish the ones under way, then disconnect."""
        self._closed.set()

    def describe(self) -> str:
        """Who the bot is here, once ready: `discord modbot (2 servers)`."""
        client = self.client
        if client is None or client.user is None:
            return "discord (not connected)"
        return f"discord {client.user} ({len(client.guilds)} servers)"

    async def run(self, core: Core) -> None:
        redactor = Redactor([self._token])
        redactor.install()
        stopped = False
        try:
            point_at(self.settings)
            seconds = self.settings.max_ratelimit_timeout.total_seconds()
            options = dict(self._client_options)
            if self.settings.shard_count is not None:  # one shard of several processes
                options["shard_id"] = self.settings.shard_id
                options["shard_count"] = self.settings.shard_count
            client = self._client_class(max_ratelimit_timeout=seconds, **options)
            inbound = Inbound(core, client, self.config, self._clock)
            client.inbound = inbound
            client.interactions = Interactions(inbound, self._commands, self._ack_within)
            async with client:
                await login(client, self._token, self.settings, self._source)
                gateway = asyncio.create_task(client.connect(reconnect=True))
                try:
                    await self._serve(client, inbound, gateway)
                finally:
                    await self._stop(client, inbound, gateway)
            stopped = True
        finally:
            if stopped:
                self.ready.set()  # stopped before it connected: the App must not wait for it
            redactor.uninstall()

    async def _serve(
        self, client: ModbotClient, inbound: Inbound, gateway: asyncio.Task[None]
    ) -> None:
        self.client = client
        self._actions = Actions(client, inbound.texts, self.settings.verified_role, self._clock)
        self._outbox = Outbox(client, self.settings.send_retries)
        connected = asyncio.create_task(client.connected.wait())
        closed = asyncio.create_task(self._closed.wait())
        try:
            await asyncio.wait({connected, closed, gateway}, return_when=asyncio.FIRST_COMPLETED)
            if gateway.done():
                self._ended(gateway)
            if connected.done() and not closed.done():
                log.info("discord: connected as %s", client.user)
                self.ready.set()
                await asyncio.wait({closed, gateway}, return_when=asyncio.FIRST_COMPLETED)
                if gateway.done():
                    self._ended(gateway)
        finally:
            connected.cancel()
            closed.cancel()

    def _ended(self, gateway: asyncio.Task[None]) -> None:
        """The gateway stopped by itself: say why in terms the admin can act on."""
        error = gateway.exception()
        if isinstance(error, discord.PrivilegedIntentsRequired):
            raise refused_intents(self._source) from None
        if isinstance(error, discord.ConnectionClosed) and error.code == AUTHENTICATION_FAILED:
            raise refused_token(self.settings, self._source) from None
        if error is not None:
            raise error

    async def _stop(
        self, client: ModbotClient, inbound: Inbound, gateway: asyncio.Task[None]
    ) -> None:
        inbound.closing = True
        await inbound.drain()
        if self._outbox is not None:
            self._outbox.close()
        self.client = self._actions = self._outbox = None
        await client.close()
        if not gateway.done():
            gateway.cancel()
        await asyncio.gather(gateway, return_exceptions=True)

    async def apply(self, action: Action) -> None:
        if self._actions is None:
            raise TransientError("not connected to Discord")
        await self._actions.apply(action)

    async def send(self, reply: Reply) -> Posted | None:
        return await self._out().send(reply)

    async def edit(self, posted: Posted, text: str) -> None:
        await self._out().edit(posted, text)

    async def retract(self, posted: Posted) -> None:
        await self._out().retract(posted)

    def _out(self) -> Outbox:
        if self._outbox is None:
            raise TransientError("not connected to Discord")
        return self._outbox
