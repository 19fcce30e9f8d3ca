"""Moderation actions as Discord API calls, and Discord's answers as the core's outcomes.

Every action states a target state, so a retry after a lost answer is harmless: deleting a
deleted message is moot, a ban or timeout set twice is the same ban or timeout. A warn is a
message; its nonce comes from the action's key, so Discord keeps one message however often
it is retried. Before acting on a member the bot checks Discord's hierarchy itself (nobody
acts on the owner, or on a member whose top role is at or above the bot's): such an action
is refused with the reason for the moderators, and no request is spent on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import aiohttp
import discord

from adapters.base import PermissionDenied, TargetGone, TransientError
from adapters.discord import ui
from bot.actions import Action, ActionKind
from bot.i18n import Texts

log = logging.getLogger(__name__)
LONGEST_TIMEOUT = timedelta(days=28) - timedelta(minutes=1)
UNKNOWN_GUILD, CANNOT_DM = 10004, 50007
REASON_CHARS = 512
NEEDS = {
    ActionKind.TIMEOUT: "moderate_members",
    ActionKind.UNTIMEOUT: "moderate_members",
    ActionKind.KICK: "kick_members",
    ActionKind.BAN: "ban_members",
    ActionKind.UNBAN: "ban_members",
}
PERMISSION_NAMES = {
    "moderate_members": "Moderate Members",
    "kick_members": "Kick Members",
    "ban_members": "Ban Members",
    "manage_roles": "Manage Roles",
}
ON_MEMBERS = frozenset({ActionKind.TIMEOUT, ActionKind.KICK, ActionKind.BAN})


def timeout_end(until: datetime, now: datetime) -> datetime | None:
    """`until` kept within Discord's 28 days; None when it has already passed."""
    if until <= now:
        return None
    return min(until, now + LONGEST_TIMEOUT)


def find_role(guild: discord.Guild, wanted: str) -> discord.Role | None:
    """A role by id or (case-insensitive) name."""
    if wanted.isdigit():
        return guild.get_role(int(wanted))
    return next((r for r in guild.roles if r.name.lower() == wanted.strip().lower()), None)


class Actions:
    """Applies the core's actions through one logged-in client."""

    def __init__(
        self,
        client: discord.Client,
        texts: Callable[[int], Texts],
        verified_role: str | None,
        clock: Callable[[], datetime],
    ) -> None:
        self._client = client
        self._texts = texts
        self._verified_role = verified_role
        self._clock = clock

    async def apply(self, action: Action) -> None:
        """Apply one action; Discord's refusals become TargetGone, PermissionDenied or
        TransientError as the executor expects."""
        texts = self._texts(int(action.community_id))
        try:
            await self._apply(action, texts)
        except discord.NotFound as exc:
            if exc.code == UNKNOWN_GUILD:
                raise PermissionDenied(texts("discord.denied_discord", reason=exc.text)) from None
            raise TargetGone(exc.text or "not found") from None
        except discord.Forbidden as exc:
            raise PermissionDenied(texts("discord.denied_discord", reason=exc.text)) from None
        except discord.RateLimited as exc:
            raise TransientError(f"rate limited for {exc.retry_after:.1f}s") from None
        except discord.DiscordServerError as exc:
            raise TransientError(f"Discord server error {exc.status}") from None
        except discord.HTTPException as exc:
            if exc.status == 429:  # a 429 without Discord's headers: Cloudflare holds us back
                raise TransientError("rate limited by Cloudflare") from None
            raise
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientError(f"network: {exc!r}") from None

    async def _apply(self, action: Action, texts: Texts) -> None:
        http = self._client.http
        guild_id, user_id = int(action.community_id), int(action.user_id)
        reason = action.reason[:REASON_CHARS] or None
        kind = action.kind
        guild = self._client.get_guild(guild_id)
        if guild is not None and kind in NEEDS:
            self._check(guild, user_id, kind, texts)
        if kind is ActionKind.DELETE:
            if action.message_id:
                await http.delete_message(int(action.channel_id), int(action.message_id))
        elif kind is ActionKind.WARN:
            await self._warn(action, user_id)
        elif kind is ActionKind.TIMEOUT and action.until is not None:
            await self._time_out(guild_id, user_id, action.until, reason)
        elif kind is ActionKind.UNTIMEOUT:
            await http.edit_member(
                guild_id, user_id, reason=reason, communication_disabled_until=None
            )
        elif kind is ActionKind.KICK:
            await http.kick(user_id, guild_id, reason=reason)
        elif kind is ActionKind.BAN:
            await http.ban(user_id, guild_id, delete_message_seconds=0, reason=reason)
        elif kind is ActionKind.UNBAN:
            await http.unban(user_id, guild_id, reason=reason)
        elif kind in (ActionKind.RESTRICT, ActionKind.UNRESTRICT):
            await self._gate(action, guild, guild_id, user_id, reason, texts)

    def _check(self, guild: discord.Guild, user_id: int, kind: ActionKind, texts: Texts) -> None:
        """Refuse what Discord would refuse: a missing permission, or a target the bot's
        top role does not outrank. A member not in the cache is left to Discord to judge."""
        me = guild.me
        needed = NEEDS[kind]
        if not getattr(me.guild_permissions, needed):
            name = PERMISSION_NAMES[needed]
            raise PermissionDenied(texts("discord.denied_permission", permission=name))
        target = guild.get_member(user_id)
        if target is None or kind not in ON_MEMBERS:
            return
        if target.id == guild.owner_id:
            raise PermissionDenied(texts("discord.denied_owner", user=target.display_name))
        if target.top_role >= me.top_role:
            raise PermissionDenied(
                texts(
                    "discord.denied_rank",
                    user=target.display_name,
                    role=target.top_role.name,
                    mine=me.top_role.name,
                )
            )
        if kind is ActionKind.TIMEOUT and target.guild_permissions.administrator:
            raise PermissionDenied(texts("discord.denied_admin", user=target.display_name))

    async def _time_out(
        self, guild_id: int, user_id: int, until: datetime, reason: str | None
    ) -> None:
        end = timeout_end(until, self._clock())
        if end is None:
            return  # it has already ended: the target state (not timed out now) holds
        await self._client.http.edit_member(
            guild_id, user_id, reason=reason, communication_disabled_until=end.isoformat()
        )

    async def _warn(self, action: Action, user_id: int) -> None:
        """A reply in the channel that pings only the member, and the same in a DM when the
        member accepts DMs from the server's members."""
        content = ui.clip(f"<@{user_id}> {ui.defused(action.reason)}")
        mentions = ui.allowed([str(user_id)])
        if action.channel_id:
            channel = self._client.get_partial_messageable(
                int(action.channel_id), guild_id=int(action.community_id)
            )
            reference = None
            if action.message_id:
                reference = discord.MessageReference(
                    message_id=int(action.message_id),
                    channel_id=int(action.channel_id),
                    fail_if_not_exists=False,
                )
            await channel.send(
                content,
                allowed_mentions=mentions,
                reference=reference,  # type: ignore[arg-type]
                nonce=ui.nonce(action.key),
            )
        try:
            direct = await self._client.create_dm(discord.Object(user_id))
            await direct.send(
                ui.clip(ui.defused(action.reason)),
                allowed_mentions=ui.allowed(),
                nonce=ui.nonce(action.key),
            )
        except discord.Forbidden as exc:
            if exc.code != CANNOT_DM:
                raise
            log.info("member %s does not accept DMs; warned in the channel only", user_id)

    async def _gate(
        self,
        action: Action,
        guild: discord.Guild | None,
        guild_id: int,
        user_id: int,
        reason: str | None,
        texts: Texts,
    ) -> None:
        """The welcome gate: without the verified role (or, with none configured, timed out
        until the deadline) a newcomer cannot post; passing grants the role (or lifts it)."""
        hold = action.kind is ActionKind.RESTRICT
        if self._verified_role is None:
            if not hold:
                until = None
            elif action.until is not None:
                await self._time_out(guild_id, user_id, action.until, reason)
                return
            await self._client.http.edit_member(
                guild_id, user_id, reason=reason, communication_disabled_until=until
            )
            return
        if guild is None:
            raise TransientError("the server is not in the cache yet")
        role = find_role(guild, self._verified_role)
        if role is None:
            raise PermissionDenied(texts("discord.no_role", role=self._verified_role))
        if not guild.me.guild_permissions.manage_roles:
            raise PermissionDenied(texts("discord.denied_permission", permission="Manage Roles"))
        if role >= guild.me.top_role:
            raise PermissionDenied(
                texts("discord.denied_role", role=role.name, mine=guild.me.top_role.name)
            )
        target = guild.get_member(user_id)
        if hold and (target is None or role not in target.roles):
            return  # a newcomer holds no roles yet: nothing to take away
        change = self._client.http.remove_role if hold else self._client.http.add_role
        await change(guild_id, user_id, role.id, reason=reason)
