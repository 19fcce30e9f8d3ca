"""What an action does to the world and which gateway events and audit entries it causes.

Shared by the REST routes (the bot acts) and the test helpers (a member or moderator acts by
hand), so both go through Discord's checks: the actor needs the permission and must outrank the
target (403 50013 otherwise). Audit entries carry the actor and the `X-Audit-Log-Reason`, so an
adapter can tell its own actions from hand-made ones, as on Discord.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.platforms.discord import errors, payloads
from tests.platforms.discord.fake_gateway import Gateway
from tests.platforms.discord.mentions import apply_mentions
from tests.platforms.discord.world import (
    ADMINISTRATOR,
    BAN,
    KICK,
    MANAGE_MESSAGES,
    MANAGE_ROLES,
    MAX_TIMEOUT,
    MODERATE,
    Channel,
    Guild,
    Member,
    User,
    World,
    snowflake_time,
)

MEMBER_KICK, MEMBER_BAN_ADD, MEMBER_BAN_REMOVE = 20, 22, 23
MEMBER_UPDATE, MEMBER_ROLE_UPDATE, MESSAGE_DELETE, MESSAGE_BULK_DELETE = 24, 25, 72, 73


class Effects:
    def __init__(self, world: World, gateway: Gateway) -> None:
        self.world = world
        self.gateway = gateway

    def gateway_message(self, message: dict[str, Any]) -> dict[str, Any]:
        """A stored message as MESSAGE_CREATE/UPDATE carries it: plus `guild_id` and `member`."""
        channel = self.world.find_channel(int(message["channel_id"]))
        data = dict(message)
        if channel.guild_id is not None:
            guild = self.world.guilds[channel.guild_id]
            data["guild_id"] = str(guild.id)
            author = guild.members.get(int(message["author"]["id"]))
            if author is not None and "webhook_id" not in message:
                data["member"] = payloads.member(author, with_user=False)
        return data

    def post(
        self,
        channel: Channel,
        author: User,
        body: dict[str, Any],
        *,
        kind: int = 0,
        ephemeral: bool = False,
    ) -> dict[str, Any]:
        """Store a new message, resolve its pings, and dispatch MESSAGE_CREATE (not ephemeral)."""
        guild = self.world.guilds.get(channel.guild_id) if channel.guild_id else None
        message = payloads.message(channel.id, author, body, kind=kind)
        replied = None
        reference = body.get("message_reference")
        if reference and reference.get("message_id"):
            replied = self.world.messages.get(int(reference["message_id"]))
            if replied is None and reference.get("fail_if_not_exists", True):
                raise errors.invalid_form(
                    "message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
            message["type"] = 19 if replied is not None and kind == 0 else kind
            if replied is None:
                message.pop("message_reference")
        author_member = guild.members.get(author.id) if guild else None
        allowed = body.get("allowed_mentions")
        apply_mentions(self.world, guild, channel, author_member, message, allowed, replied)
        self.world.messages[int(message["id"])] = message
        if not ephemeral:
            self.gateway.broadcast("MESSAGE_CREATE", self.gateway_message(message))
        return message

    def edit(self, message: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        """Apply an edit (content, embeds, components, flags, attachments) and MESSAGE_UPDATE."""
        for key in ("content", "embeds", "components", "flags", "attachments", "poll"):
            if key in changes:
                message[key] = changes[key] if changes[key] is not None else message[key]
        message["edited_timestamp"] = payloads.now()
        channel = self.world.find_channel(int(message["channel_id"]))
        guild = self.world.guilds.get(channel.guild_id) if channel.guild_id else None
        author = guild.members.get(int(message["author"]["id"])) if guild else None
        allowed = changes.get("allowed_mentions")
        apply_mentions(self.world, guild, channel, author, message, allowed)
        if not message["flags"] & 64:
            self.gateway.broadcast("MESSAGE_UPDATE", self.gateway_message(message))
        return message

    def delete_message(self, actor: User, message: dict[str, Any], reason: str | None) -> None:
        channel = self.world.find_channel(int(message["channel_id"]))
        author_id = int(message["author"]["id"])
        if author_id != actor.id and channel.guild_id is not None:
            guild = self.world.guilds[channel.guild_id]
            if not guild.permissions_in(guild.member(actor.id), channel) & MANAGE_MESSAGES:
                raise errors.missing_permissions()
            options = {"channel_id": str(channel.id), "count": "1"}
            entry = payloads.audit_entry(
                guild, actor.id, MESSAGE_DELETE, author_id, reason, options=options
            )
            self.gateway.broadcast("GUILD_AUDIT_LOG_ENTRY_CREATE", entry)
        elif author_id != actor.id:
            raise errors.ApiError(403, 50003, "Cannot execute action on a DM channel")
        del self.world.messages[int(message["id"])]
        event = {"id": message["id"], "channel_id": message["channel_id"]}
        if channel.guild_id is not None:
            event["guild_id"] = str(channel.guild_id)
        self.gateway.broadcast("MESSAGE_DELETE", event)

    def bulk_delete(
        self, channel: Channel, actor: User, ids: list[int], reason: str | None
    ) -> None:
        """Discord's bulk delete: 2..100 ids, none older than 14 days, Manage Messages."""
        guild = self.world.guilds[channel.guild_id] if channel.guild_id else None
        if guild is None or not guild.permissions_in(guild.member(actor.id), channel) & (
            MANAGE_MESSAGES
        ):
            raise errors.missing_permissions()
        if not 2 <= len(ids) <= 100 or len(set(ids)) != len(ids):
            raise errors.invalid_form("messages", "BASE_TYPE_BAD_LENGTH", "Must be 2..100 ids.")
        if any(snowflake_time(i) < datetime.now(UTC) - timedelta(days=14) for i in ids):
            message = "You can only bulk delete messages that are under 14 days old."
            raise errors.ApiError(400, 50034, message)
        found = [
            i for i in ids if self.world.messages.get(i, {}).get("channel_id") == str(channel.id)
        ]
        for message_id in found:
            del self.world.messages[message_id]
        event = {"ids": [str(i) for i in found], "channel_id": str(channel.id)}
        self.gateway.broadcast("MESSAGE_DELETE_BULK", {**event, "guild_id": str(guild.id)})
        options = {"count": str(len(found))}
        entry = payloads.audit_entry(
            guild, actor.id, MESSAGE_BULK_DELETE, channel.id, reason, options=options
        )
        self.gateway.broadcast("GUILD_AUDIT_LOG_ENTRY_CREATE", entry)

    def join(self, guild: Guild, user: User) -> Member:
        if user.id in guild.bans:
            raise AssertionError(f"{user.username} is banned from {guild.name}")
        member = Member(user, [], datetime.now(UTC))
        guild.members[user.id] = member
        self.gateway.broadcast("GUILD_MEMBER_ADD", payloads.member_update(guild, member))
        return member

    def remove(self, guild: Guild, member: Member) -> None:
        del guild.members[member.id]
        event = {"guild_id": str(guild.id), "user": payloads.user(member.user)}
        self.gateway.broadcast("GUILD_MEMBER_REMOVE", event)

    def kick(self, guild: Guild, actor: Member, target: Member, reason: str | None) -> None:
        guild.require(actor, KICK, target)
        self.remove(guild, target)
        self._audit(guild, actor, MEMBER_KICK, target.id, reason)

    def ban(
        self, guild: Guild, actor: Member, user: User, reason: str | None, purge_seconds: int
    ) -> None:
        """Ban (also a non-member), purge their messages of the last `purge_seconds`."""
        target = guild.members.get(user.id)
        guild.require(actor, BAN, target)
        if not 0 <= purge_seconds <= 604800:
            raise errors.invalid_form(
                "delete_message_seconds", "NUMBER_TYPE_MAX", "Must be between 0 and 604800."
            )
        guild.bans[user.id] = reason
        self.gateway.broadcast(
            "GUILD_BAN_ADD", {"guild_id": str(guild.id), "user": payloads.user(user)}
        )
        since = datetime.now(UTC) - timedelta(seconds=purge_seconds)
        for channel in guild.channels.values():
            purged = [
                i
                for i, m in self.world.messages.items()
                if m["channel_id"] == str(channel.id)
                and m["author"]["id"] == str(user.id)
                and snowflake_time(i) >= since
            ]
            for message_id in purged:
                del self.world.messages[message_id]
            if purged:
                event = {"ids": [str(i) for i in purged], "channel_id": str(channel.id)}
                self.gateway.broadcast("MESSAGE_DELETE_BULK", {**event, "guild_id": str(guild.id)})
        if target is not None:
            self.remove(guild, target)
        self._audit(guild, actor, MEMBER_BAN_ADD, user.id, reason)

    def unban(self, guild: Guild, actor: Member, user: User, reason: str | None) -> None:
        guild.require(actor, BAN)
        if user.id not in guild.bans:
            raise errors.unknown("ban")
        del guild.bans[user.id]
        event = {"guild_id": str(guild.id), "user": payloads.user(user)}
        self.gateway.broadcast("GUILD_BAN_REMOVE", event)
        self._audit(guild, actor, MEMBER_BAN_REMOVE, user.id, reason)

    def timeout(
        self,
        guild: Guild,
        actor: Member,
        target: Member,
        until: datetime | None,
        reason: str | None,
    ) -> None:
        """Time out until `until` (None lifts it); never an administrator, at most 28 days."""
        guild.require(actor, MODERATE, target)
        if guild.base_permissions(target) & ADMINISTRATOR:
            raise errors.missing_permissions()
        if until is not None and until > datetime.now(UTC) + MAX_TIMEOUT + timedelta(seconds=5):
            raise errors.invalid_form(
                "communication_disabled_until",
                "BASE_TYPE_BAD_DATE",
                "Invalid communication disabled timestamp",
            )
        old = payloads.iso(target.timeout_until) if target.timed_out() else None
        target.timeout_until = until
        change = {"key": "communication_disabled_until", "old_value": old}
        self._member_changed(
            guild,
            actor,
            target,
            MEMBER_UPDATE,
            reason,
            [change | {"new_value": payloads.iso(until)}],
        )

    def set_roles(
        self, guild: Guild, actor: Member, target: Member, roles: list[int], reason: str | None
    ) -> None:
        """Replace a member's roles; every role added or removed must sit below the actor's top."""
        guild.require(actor, MANAGE_ROLES)
        added = [r for r in roles if r not in target.roles]
        removed = [r for r in target.roles if r not in roles]
        for role_id in added + removed:
            role = guild.role(role_id)
            if (
                role.managed
                or role.id == guild.id
                or (actor.id != guild.owner_id and role.position >= guild.top_position(actor))
            ):
                raise errors.missing_permissions()
        target.roles = list(roles)
        changes = []
        for key, ids in (("$add", added), ("$remove", removed)):
            if ids:
                new = [{"id": str(r), "name": guild.roles[r].name} for r in ids]
                changes.append({"key": key, "new_value": new})
        self._member_changed(guild, actor, target, MEMBER_ROLE_UPDATE, reason, changes)

    def _member_changed(
        self,
        guild: Guild,
        actor: Member,
        target: Member,
        action: int,
        reason: str | None,
        changes: list[dict[str, Any]],
    ) -> None:
        self.gateway.broadcast("GUILD_MEMBER_UPDATE", payloads.member_update(guild, target))
        self._audit(guild, actor, action, target.id, reason, changes)

    def _audit(
        self,
        guild: Guild,
        actor: Member,
        action: int,
        target_id: int,
        reason: str | None,
        changes: list[dict[str, Any]] | None = None,
    ) -> None:
        entry = payloads.audit_entry(guild, actor.id, action, target_id, reason, changes)
        self.gateway.broadcast("GUILD_AUDIT_LOG_ENTRY_CREATE", entry)
