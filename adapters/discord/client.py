"""The discord.py client modbot runs: its intents, its safe defaults, and its event handlers,
each handing the event to the adapter's inbound half."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord

from adapters.discord.inbound import Inbound
from adapters.discord.interactions import Interactions
from adapters.discord.ui import Pressed


class WithoutVoice(logging.Filter):
    """Drops discord.py's warnings that voice is unsupported (modbot never joins voice)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


WITHOUT_VOICE = WithoutVoice()


def intents() -> discord.Intents:
    """The defaults (servers, messages, bans and audit entries) plus the two privileged
    intents a moderation bot needs: Server Members (joins, roles) and Message Content."""
    chosen = discord.Intents.default()
    chosen.members = True
    chosen.message_content = True
    return chosen


class ModbotClient(discord.Client):
    """No prefix commands, no command tree: the adapter renders the core's command specs
    itself. Nothing the bot sends pings anyone unless a message opts in to one member."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("intents", intents())
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        logging.getLogger("discord.client").addFilter(WITHOUT_VOICE)  # once: same object
        super().__init__(**options)
        self.inbound: Inbound | None = None
        self.interactions: Interactions | None = None
        self.connected = asyncio.Event()

    async def setup_hook(self) -> None:
        """Buttons of notices posted before a restart keep working: their class listens."""
        self.add_dynamic_items(Pressed)

    async def on_ready(self) -> None:
        self.connected.set()

    async def on_message(self, message: discord.Message) -> None:
        if self.inbound is not None:
            await self.inbound.message(message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        if self.inbound is not None:
            await self.inbound.edited(payload)

    async def on_member_join(self, member: discord.Member) -> None:
        if self.inbound is not None:
            await self.inbound.joined(member)

    async def on_audit_log_entry_create(self, entry: discord.AuditLogEntry) -> None:
        if self.inbound is not None:
            await self.inbound.audited(entry)

    async def on_guild_available(self, guild: discord.Guild) -> None:
        if self.inbound is not None:
            await self.inbound.rights(guild)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.on_guild_available(guild)

    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        if self.user is not None and after.id == self.user.id:
            await self.on_guild_available(after.guild)

    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        me = after.guild.me
        if me is not None and after in me.roles:
            await self.on_guild_available(after.guild)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if self.interactions is not None:
            await self.interactions.received(interaction)

    async def pressed(self, interaction: discord.Interaction, data: str) -> None:
        """Called by a persistent button (see `ui.Pressed`)."""
        if self.interactions is not None:
            await self.interactions.pressed(interaction, data)
