"""Slash commands, the "Report message" menu and button presses, as calls into the core.

Discord shows a command to whoever its `default_member_permissions` allow, but a server
admin can change that; so every command and every press is judged by the core again (who
the member is here, their rank, the target's rank and the bot's). Discord wants an answer
within 3 seconds: the core's answer goes out directly when it comes within `ack_within`,
else the interaction is deferred (privately) and the answer follows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Mapping
from typing import Any, cast

import discord

from adapters.discord import convert, ui
from adapters.discord.commands import MESSAGE_OPTION
from adapters.discord.convert import PLATFORM
from adapters.discord.inbound import Inbound
from bot.actions import Response, gate_of, vote_of
from bot.commands.spec import Command
from bot.events import Invocation, Message, Report, Verification, Vote

log = logging.getLogger(__name__)
ACK_WITHIN = 2.0
SLASH, MESSAGE_MENU = 1, 3


class Interactions:
    def __init__(
        self, inbound: Inbound, commands: Mapping[str, Command], ack_within: float = ACK_WITHIN
    ) -> None:
        self._in = inbound
        self._commands = commands
        self.ack_within = ack_within

    async def received(self, interaction: discord.Interaction) -> None:
        """An application command (a slash command or the message menu); presses arrive at
        `pressed` through the persistent buttons."""
        if interaction.type is not discord.InteractionType.application_command:
            return
        guild = interaction.guild
        if guild is None or self._in.closing:
            return
        data = cast(Mapping[str, Any], interaction.data or {})
        async with self._in.working():
            if data.get("type", SLASH) == MESSAGE_MENU:
                work = self._report(interaction, guild, data)
            else:
                work = self._command(interaction, guild, data)
            await self._answer(interaction, guild, work)

    async def pressed(self, interaction: discord.Interaction, data: str) -> None:
        """A verdict on an escalation notice, or an answer at the welcome gate."""
        guild = interaction.guild
        if guild is None or self._in.closing:
            return
        async with self._in.working():
            await self._answer(interaction, guild, self._press(interaction, guild, data))

    async def _press(
        self, interaction: discord.Interaction, guild: discord.Guild, data: str
    ) -> Response:
        presser = self._in.member(interaction.user, guild)
        now = self._in.clock()
        verdict = vote_of(data)
        if verdict is not None:
            escalation, chosen = verdict
            vote = Vote(escalation, chosen, presser, now, self._in.bot(guild))
            return await self._in.core.on_vote(vote)
        answer = gate_of(data) or data
        return await self._in.core.on_verify(Verification(presser, answer, now))

    async def _command(
        self, interaction: discord.Interaction, guild: discord.Guild, data: Mapping[str, Any]
    ) -> Response:
        name = str(data.get("name", ""))
        spec = self._commands.get(name)
        args = convert.options(data)
        target: Any = None
        target_id: str | None = None
        for option in spec.options if spec is not None else ():
            if option.kind == "member" and option.name in args:
                target_id = str(args.pop(option.name))
                target = await self._lookup(guild, int(target_id))
        about: Message | None = None
        if MESSAGE_OPTION in args and name == "report":
            about = await self._linked(guild, str(args.pop(MESSAGE_OPTION)), interaction)
            if about is None:
                return Response(self._in.texts(guild.id)("discord.no_message"))
        invocation = Invocation(
            id=str(interaction.id),
            platform=PLATFORM,
            community_id=str(guild.id),
            channel_id=str(interaction.channel_id),
            actor=self._in.member(interaction.user, guild),
            command=name,
            args={key: str(value) for key, value in args.items()},
            target=target,
            target_id=target_id,
            message_id=about.message_id if about is not None else None,
            message=about,
            bot=self._in.bot(guild),
            at=interaction.created_at,
        )
        return await self._in.core.on_command(invocation)

    async def _report(
        self, interaction: discord.Interaction, guild: discord.Guild, data: Mapping[str, Any]
    ) -> Response:
        channel_id = interaction.channel_id or 0
        about = await self._fetch(guild, channel_id, int(data.get("target_id", 0)))
        if about is None:
            return Response(self._in.texts(guild.id)("discord.no_message"))
        reporter = self._in.member(interaction.user, guild)
        return await self._in.core.on_report(Report(about, reporter, "", interaction.created_at))

    async def _lookup(self, guild: discord.Guild, user_id: int) -> Any:
        """The member as Discord knows them now; None when they are not in the server (or
        Discord cannot say: the core then refuses to act on an unknown rank)."""
        person = guild.get_member(user_id)
        if person is None:
            try:
                person = await guild.fetch_member(user_id)
            except discord.HTTPException as exc:
                log.info("could not look up %s in server %s: %s", user_id, guild.id, exc)
                return None
        return self._in.member(person, guild)

    async def _linked(
        self, guild: discord.Guild, link: str, interaction: discord.Interaction
    ) -> Message | None:
        found = convert.message_link(link, interaction.channel_id or 0)
        return await self._fetch(guild, *found) if found is not None else None

    async def _fetch(
        self, guild: discord.Guild, channel_id: int, message_id: int
    ) -> Message | None:
        channel = guild.get_channel_or_thread(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return None
        try:
            message = await channel.fetch_message(message_id)
        except discord.HTTPException as exc:
            log.info("could not fetch message %s: %s", message_id, exc)
            return None
        if convert.skip_reason(message) is not None:
            return None
        return convert.to_message(message, self._in.member(message.author, guild))

    async def _answer(
        self,
        interaction: discord.Interaction,
        guild: discord.Guild,
        work: Coroutine[Any, Any, Response],
    ) -> None:
        """The core's answer, privately unless the core says otherwise; always within
        Discord's 3 seconds (deferred when the core needs longer)."""
        task = asyncio.ensure_future(work)
        deferred = False
        try:
            done, _ = await asyncio.wait({task}, timeout=self.ack_within)
            if not done:
                await interaction.response.defer(ephemeral=True, thinking=True)
                deferred = True
        except discord.HTTPException as exc:
            log.info("could not acknowledge interaction %s: %s", interaction.id, exc)
        response = await self._result(task, guild)  # the work always completes
        text = ui.clip(ui.defused(response.text))
        try:
            if deferred:
                await interaction.followup.send(text, ephemeral=True, allowed_mentions=ui.allowed())
            else:
                await interaction.response.send_message(
                    text, ephemeral=response.private, allowed_mentions=ui.allowed()
                )
        except discord.HTTPException as exc:
            log.info("could not answer interaction %s: %s", interaction.id, exc)

    async def _result(self, task: asyncio.Future[Response], guild: discord.Guild) -> Response:
        try:
            return await task
        except Exception:  # noqa: BLE001 - the member is told; the log has the rest
            log.exception("an interaction in server %s failed", guild.id)
            return Response(self._in.texts(guild.id)("discord.failed"))
