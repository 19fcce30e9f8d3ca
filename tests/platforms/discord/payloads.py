"""JSON shapes Discord sends (users, members, roles, channels, guilds, messages, audit entries)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tests.platforms.discord.world import Channel, Guild, Member, Role, User, World, snowflake

ATTACHMENT_LIMIT = 26214400


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def now() -> str:
    return datetime.now(UTC).isoformat()


def user(u: User) -> dict[str, Any]:
    return {
        "id": str(u.id),
        "username": u.username,
        "discriminator": "0",
        "global_name": u.username,
        "avatar": None,
        "bot": u.bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
    }


def member(m: Member, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
    """A member object; `permissions` (resolved, as a string) only inside interactions."""
    data: dict[str, Any] = {
        "roles": [str(r) for r in m.roles],
        "joined_at": iso(m.joined_at),
        "nick": m.nick,
        "avatar": None,
        "banner": None,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": iso(m.timeout_until) if m.timed_out() else None,
    }
    if with_user:
        data["user"] = user(m.user)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def member_update(guild: Guild, m: Member) -> dict[str, Any]:
    """GUILD_MEMBER_UPDATE: the whole member plus `guild_id`."""
    return {"guild_id": str(guild.id), **member(m)}


def role(r: Role) -> dict[str, Any]:
    return {
        "id": str(r.id),
        "name": r.name,
        "permissions": str(r.permissions),
        "position": r.position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": r.managed,
        "mentionable": r.mentionable,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def channel(c: Channel) -> dict[str, Any]:
    if c.type == 1:
        recipients = [user(c.recipient)] if c.recipient else []
        return {
            "id": str(c.id),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": recipients,
        }
    return {
        "id": str(c.id),
        "type": c.type,
        "guild_id": str(c.guild_id),
        "name": c.name,
        "position": c.position,
        "permission_overwrites": [
            {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
            for o in c.overwrites
        ],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def guild_create(world: World, guild: Guild, *, all_members: bool) -> dict[str, Any]:
    """GUILD_CREATE; without the members intent only the bot's own member is sent."""
    members = list(guild.members.values()) if all_members else [world.bot_member(guild)]
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "owner_id": str(guild.owner_id),
        "unavailable": False,
        "member_count": len(guild.members),
        "large": False,
        "joined_at": iso(world.bot_member(guild).joined_at),
        "preferred_locale": guild.locale,
        "verification_level": 1,
        "default_message_notifications": 1,
        "explicit_content_filter": 2,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "system_channel_id": None,
        "rules_channel_id": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "roles": [role(r) for r in guild.roles.values()],
        "channels": [channel(c) for c in guild.channels.values()],
        "members": [member(m) for m in members],
        "emojis": [],
        "stickers": [],
        "features": [],
        "threads": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message(
    channel_id: int, author: User, body: dict[str, Any], *, kind: int = 0
) -> dict[str, Any]:
    """A message as REST returns it (no `guild_id`/`member`); `body` is what was sent."""
    data: dict[str, Any] = {
        "id": str(snowflake()),
        "channel_id": str(channel_id),
        "author": user(author),
        "content": body.get("content") or "",
        "timestamp": now(),
        "edited_timestamp": None,
        "tts": bool(body.get("tts")),
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": body.get("attachments") or [],
        "embeds": body.get("embeds") or [],
        "pinned": False,
        "type": kind,
        "flags": body.get("flags") or 0,
        "components": body.get("components") or [],
    }
    for key in ("nonce", "message_reference", "poll", "webhook_id", "interaction_metadata"):
        if body.get(key) is not None:
            data[key] = body[key]
    return data


def attachment(
    filename: str, *, description: str | None = None, size: int = 1024
) -> dict[str, Any]:
    attachment_id = snowflake()
    url = f"https://cdn.discordapp.com/attachments/0/{attachment_id}/{filename}"
    return {
        "id": str(attachment_id),
        "filename": filename,
        "description": description,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": "application/octet-stream",
    }


def poll(question: str, answers: list[str]) -> dict[str, Any]:
    return {
        "question": {"text": question},
        "answers": [{"answer_id": i + 1, "poll_media": {"text": a}} for i, a in enumerate(answers)],
        "expiry": now(),
        "allow_multiselect": False,
        "layout_type": 1,
    }


def audit_entry(
    guild: Guild,
    actor_id: int,
    action: int,
    target_id: int | None,
    reason: str | None,
    changes: list[dict[str, Any]] | None = None,
    options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Appends an entry to the guild's audit log and returns it (with `guild_id`, for the event)."""
    entry: dict[str, Any] = {
        "id": str(snowflake()),
        "user_id": str(actor_id),
        "target_id": str(target_id) if target_id is not None else None,
        "action_type": action,
        "changes": changes or [],
        "reason": reason,
    }
    if options:
        entry["options"] = options
    guild.audit_log.append(entry)
    return {**entry, "guild_id": str(guild.id)}


def ready(
    world: World, session_id: str, resume_url: str, shard: Any, guilds: Sequence[Guild]
) -> dict[str, Any]:
    """READY: the shard's `guilds`, unavailable until their GUILD_CREATE; `shard` echoed when
    identified with."""
    data: dict[str, Any] = {
        "v": 10,
        "user": {**user(world.bot), "verified": True, "mfa_enabled": False},
        "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_url,
        "application": {"id": str(world.app_id), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "presences": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": [],
        "user_settings": {},
        "_trace": ["fake-gateway"],
    }
    if shard is not None:
        data["shard"] = shard
    return data


def members_chunk(guild: Guild, request: dict[str, Any]) -> dict[str, Any]:
    """The answer to op 8: members by id, or by name prefix up to `limit` (0: all)."""
    wanted = {int(u) for u in request.get("user_ids") or []}
    query, limit = (request.get("query") or "").lower(), request.get("limit") or 0
    members = [
        m
        for m in guild.members.values()
        if (m.id in wanted if wanted else m.user.username.lower().startswith(query))
    ]
    chunk: dict[str, Any] = {
        "guild_id": str(guild.id),
        "members": [member(m) for m in members[: limit or None]],
        "chunk_index": 0,
        "chunk_count": 1,
        "not_found": [str(u) for u in wanted - set(guild.members)],
    }
    if "nonce" in request:
        chunk["nonce"] = request["nonce"]
    return chunk
