"""Pure conversion of discord.py objects into the core's events; no I/O.

Ranks: a member ranks by the position of their top role; the server's owner ranks above
everyone (`OWNER_RANK`). Roles are listed by id and by name, so a rule's scope may name
either. Moderators: members holding Manage Messages, Moderate Members or Ban
Members (administrators hold them all), or a role listed in `[discord] moderator_roles`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from datetime import datetime
from typing import Any

import discord

from bot.events import Attachment, Member, Message

PLATFORM = "discord"
OWNER_RANK = 10_000
"""Above any role position (a server has at most 250 roles)."""
MODERATING = ("manage_messages", "moderate_members", "ban_members")
NAME_CHARS = 64
_LINK = re.compile(
    r"https?://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/channels/\d+/(\d+)/(\d+)", re.IGNORECASE
)
_KINDS = (("image/", "image"), ("video/", "video"), ("audio/", "audio"))


def rank(member: discord.Member) -> int:
    if member.guild.owner_id == member.id:
        return OWNER_RANK
    return member.top_role.position


def is_moderator(member: discord.Member, moderator_roles: Collection[str]) -> bool:
    if member.bot:
        return False
    held = member.guild_permissions
    if held.administrator or any(getattr(held, name) for name in MODERATING):
        return True
    wanted = {role.strip().lower() for role in moderator_roles}
    return any(str(role.id) in wanted or role.name.lower() in wanted for role in member.roles)


def display_name(person: discord.abc.User) -> str:
    return (person.display_name.strip() or person.name or str(person.id))[:NAME_CHARS]


def member(
    person: discord.Member | discord.User, guild_id: int, moderator_roles: Collection[str] = ()
) -> Member:
    """A user as a member of a server; a `User` (no longer, or not yet, a member) ranks 0."""
    if not isinstance(person, discord.Member):
        return Member(
            PLATFORM,
            str(guild_id),
            str(person.id),
            display_name(person),
            is_bot=person.bot,
            account_created_at=person.created_at,
        )
    return Member(
        platform=PLATFORM,
        community_id=str(guild_id),
        user_id=str(person.id),
        name=display_name(person),
        is_bot=person.bot,
        is_moderator=is_moderator(person, moderator_roles),
        roles=frozenset(
            held
            for role in person.roles
            if not role.is_default()
            for held in (str(role.id), role.name)
        ),
        joined_at=person.joined_at,
        account_created_at=person.created_at,
        rank=rank(person),
    )


def skip_reason(message: discord.Message) -> str | None:
    """Why a message speaks for no member (and is neither judged nor counted), or None."""
    if message.guild is None:
        return "a direct message"
    if message.webhook_id is not None:
        return "a webhook's message"
    if message.is_system():
        return "a system message"
    if message.author.bot:
        return "a bot's message"
    return None


def _embed_texts(embed: discord.Embed) -> Iterator[str | None]:
    yield embed.title
    yield embed.description
    yield embed.author.name
    for field in embed.fields:
        yield field.name
        yield field.value
    yield embed.footer.text


def message_text(message: discord.Message) -> str:
    """Every text surface a member sees: content, embeds, file names and descriptions, poll."""
    parts: list[str | None] = [message.content]
    for embed in message.embeds:
        parts.extend(_embed_texts(embed))
    for attached in message.attachments:
        parts.extend((attached.filename, attached.description))
    if message.poll is not None:
        parts.append(message.poll.question)
        parts.extend(answer.text for answer in message.poll.answers)
    return "\n".join(part for part in parts if part)


def links(message: discord.Message) -> tuple[str, ...]:
    """Links not written in the text: an embed's own URL and its author's."""
    found = [url for embed in message.embeds for url in (embed.url, embed.author.url) if url]
    return tuple(dict.fromkeys(found))


def attachments(message: discord.Message) -> tuple[Attachment, ...]:
    found = []
    for attached in message.attachments:
        content_type = attached.content_type or ""
        kind = next((k for prefix, k in _KINDS if content_type.startswith(prefix)), "file")
        found.append(Attachment(attached.filename, kind, attached.description or ""))
    return tuple(found)


def to_message(message: discord.Message, author: Member, *, edited: bool = False) -> Message:
    """A member's message as the rules see it. An edit keeps the message id."""
    reference = message.reference
    reply_to = reference.message_id if reference is not None else None
    return Message(
        platform=PLATFORM,
        community_id=str(message.guild.id if message.guild else ""),
        channel_id=str(message.channel.id),
        message_id=str(message.id),
        author=author,
        text=message_text(message),
        sent_at=(message.edited_at or message.created_at) if edited else message.created_at,
        links=links(message),
        mentions=tuple(dict.fromkeys(str(u) for u in message.raw_mentions)),
        role_mentions=tuple(dict.fromkeys(str(r) for r in message.raw_role_mentions)),
        mentions_everyone=message.mention_everyone,
        attachments=attachments(message),
        edited=edited,
        reply_to=str(reply_to) if reply_to is not None else None,
    )


def hand_made(entry: discord.AuditLogEntry) -> tuple[str, datetime | None] | None:
    """(kind, until) when an audit log entry is a ban, kick or timeout someone made."""
    if entry.action is discord.AuditLogAction.ban:
        return "ban", None
    if entry.action is discord.AuditLogAction.kick:
        return "kick", None
    if entry.action is discord.AuditLogAction.member_update:
        until = getattr(entry.changes.after, "timed_out_until", None)
        if isinstance(until, datetime) and until > entry.created_at:
            return "timeout", until
    return None


def options(data: Mapping[str, Any]) -> dict[str, Any]:
    """A slash command's option values by name (subcommands flattened)."""
    found: dict[str, Any] = {}
    for option in data.get("options") or []:
        if "value" in option:
            found[option["name"]] = option["value"]
        else:
            found.update(options(option))
    return found


def message_link(text: str, channel_id: int) -> tuple[int, int] | None:
    """(channel, message) from a message link, or a bare message id in `channel_id`."""
    text = text.strip()
    if text.isascii() and text.isdigit():  # "²" is a digit to str.isdigit, not to int()
        return channel_id, int(text)
    found = _LINK.search(text)
    return (int(found.group(1)), int(found.group(2))) if found else None
