"""Which pings a message really delivers: content mentions filtered by `allowed_mentions`.

Discord's rules: without `allowed_mentions` everything in the content pings (and a reply pings the
replied-to author); with it, only what `parse`/`users`/`roles`/`replied_user` allow. `@everyone`
and `@here` also need the author's Mention Everyone permission; a role pings when it is
mentionable or the author has that permission. Only `content` pings, never embeds.
"""

from __future__ import annotations

import re
from typing import Any

from tests.platforms.discord import errors, payloads
from tests.platforms.discord.world import MENTION_EVERYONE, Channel, Guild, Member, World

USER_MENTION = re.compile(r"<@!?(\d+)>")
ROLE_MENTION = re.compile(r"<@&(\d+)>")
EVERYONE_MENTION = re.compile(r"@(everyone|here)\b")
PARSE_TYPES = {"users", "roles", "everyone"}


def check_allowed_mentions(allowed: Any) -> None:
    """400 50035 for the mistakes Discord rejects (unknown parse type, parse+list together)."""
    if allowed is None:
        return
    parse = allowed.get("parse", [])
    if not set(parse) <= PARSE_TYPES:
        raise errors.invalid_form("allowed_mentions.parse", "ENUM_TYPE_COERCE", "Invalid parse")
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            raise errors.invalid_form(
                "allowed_mentions",
                "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
            )


def apply_mentions(
    world: World,
    guild: Guild | None,
    channel: Channel,
    author: Member | None,
    message: dict[str, Any],
    allowed: dict[str, Any] | None,
    replied_to: dict[str, Any] | None = None,
) -> None:
    """Sets `mentions`, `mention_roles` and `mention_everyone` on `message` in place."""
    content = message.get("content") or ""
    parse = set(PARSE_TYPES if allowed is None else allowed.get("parse", []))
    listed_users = {int(u) for u in (allowed or {}).get("users", [])}
    listed_roles = {int(r) for r in (allowed or {}).get("roles", [])}
    can_everyone = bool(
        guild and author and guild.permissions_in(author, channel) & MENTION_EVERYONE
    )
    user_ids: list[int] = []
    for match in USER_MENTION.finditer(content):
        user_id = int(match.group(1))
        allowed_user = "users" in parse or user_id in listed_users
        if allowed_user and user_id in world.users and user_id not in user_ids:
            user_ids.append(user_id)
    if replied_to is not None:
        ping_reply = allowed is None or bool(allowed.get("replied_user"))
        replied_author = int(replied_to["author"]["id"])
        if ping_reply and replied_author not in user_ids:
            user_ids.append(replied_author)
    role_ids: list[str] = []
    for match in ROLE_MENTION.finditer(content):
        role_id = int(match.group(1))
        role = guild.roles.get(role_id) if guild else None
        allowed_role = "roles" in parse or role_id in listed_roles
        if role and allowed_role and (role.mentionable or can_everyone):
            role_ids.append(str(role_id))
    message["mentions"] = [payloads.user(world.users[u]) for u in user_ids]
    message["mention_roles"] = role_ids
    message["mention_everyone"] = bool(
        "everyone" in parse and can_everyone and EVERYONE_MENTION.search(content)
    )


def pings(message: dict[str, Any]) -> dict[str, Any]:
    """What a message pinged: `{"everyone": bool, "roles": [ids], "users": [ids]}`."""
    return {
        "everyone": bool(message.get("mention_everyone")),
        "roles": list(message.get("mention_roles", [])),
        "users": [u["id"] for u in message.get("mentions", [])],
    }
