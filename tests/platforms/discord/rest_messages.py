"""REST routes for channels, messages and DMs, with Discord's message validation.

Checked: content at most 2000 characters, at most 10 embeds within Discord's embed limits, no
empty message (50006), component rows of 1..5, custom ids of 1..100 characters and unique,
`allowed_mentions` well formed, the bot's View Channel (50001) and Send Messages (50013), DMs to
members who refuse them (50007), and edits only of the bot's own messages (50005).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from tests.platforms.discord import errors, payloads
from tests.platforms.discord.effects import Effects
from tests.platforms.discord.fake_rest import Call, Reply, Rest
from tests.platforms.discord.interactions import walk_components
from tests.platforms.discord.mentions import check_allowed_mentions
from tests.platforms.discord.world import (
    READ_HISTORY,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    World,
    snowflake,
)

EMBED_LIMITS = {"title": 256, "description": 4096}


def reason(call: Call) -> str | None:
    """The `X-Audit-Log-Reason` header, unquoted."""
    value = call.headers.get("X-Audit-Log-Reason")
    return unquote(value) if value is not None else None


def _too_long(path: str, most: int) -> errors.ApiError:
    return errors.invalid_form(path, "BASE_TYPE_MAX_LENGTH", f"Must be {most} or fewer in length.")


def validate_message(body: dict[str, Any], *, edit: bool = False, files: bool = False) -> None:
    content = body.get("content") or ""
    if len(content) > 2000:
        raise _too_long("content", 2000)
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        raise _too_long("embeds", 10)
    total = 0
    for index, embed in enumerate(embeds):
        for key, most in EMBED_LIMITS.items():
            if len(embed.get(key) or "") > most:
                raise _too_long(f"embeds.{index}.{key}", most)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            raise _too_long(f"embeds.{index}.fields", 25)
        texts = [
            embed.get("title"),
            embed.get("description"),
            (embed.get("footer") or {}).get("text"),
            (embed.get("author") or {}).get("name"),
        ]
        texts += [f.get("name") for f in fields] + [f.get("value") for f in fields]
        total += sum(len(t or "") for t in texts)
    if total > 6000:
        raise errors.invalid_form("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds 6000")
    components = body.get("components") or []
    _check_components(components, v2=bool((body.get("flags") or 0) & (1 << 15)))
    check_allowed_mentions(body.get("allowed_mentions"))
    has_body = content or embeds or components or body.get("poll") or body.get("sticker_ids")
    if not edit and not has_body and not files and not body.get("attachments"):
        raise errors.ApiError(400, 50006, "Cannot send an empty message")


def _check_components(rows: list[dict[str, Any]], v2: bool) -> None:
    if not v2 and len(rows) > 5:
        raise _too_long("components", 5)
    for index, row in enumerate(rows):
        if row.get("type") == 1 and not 1 <= len(row.get("components") or []) <= 5:
            raise errors.invalid_form(
                f"components.{index}.components", "BASE_TYPE_BAD_LENGTH", "Must be 1 to 5 long."
            )
    seen: set[str] = set()
    for component in walk_components(rows):
        custom_id = component.get("custom_id")
        if component.get("type") == 2 and component.get("style") == 5:
            if custom_id is not None or not component.get("url"):
                raise errors.invalid_form("components", "COMPONENT_LINK_INVALID", "Link button")
            continue
        if component.get("type") in (2, 3, 4, 5, 6, 7, 8):
            if not custom_id or len(custom_id) > 100:
                raise errors.invalid_form(
                    "components", "BASE_TYPE_BAD_LENGTH", "custom_id must be 1 to 100 long."
                )
            if custom_id in seen:
                raise errors.invalid_form(
                    "components", "COMPONENT_CUSTOM_ID_DUPLICATED", "Duplicate custom_id"
                )
            seen.add(custom_id)
        if component.get("type") == 2 and len(component.get("label") or "") > 80:
            raise _too_long("components.label", 80)


def check_can_read(world: World, channel: Channel) -> None:
    if channel.guild_id is None:
        return
    guild = world.guilds[channel.guild_id]
    perms = guild.permissions_in(world.bot_member(guild), channel)
    if not perms & VIEW_CHANNEL:
        raise errors.missing_access()
    if not perms & READ_HISTORY:
        raise errors.missing_permissions()


def check_can_send(world: World, channel: Channel) -> None:
    if channel.recipient is not None:
        shares = any(channel.recipient.id in g.members for g in world.guilds.values())
        if not channel.recipient.accepts_dms or not shares or channel.recipient.bot:
            raise errors.cannot_message_user()
        return
    guild = world.guilds[channel.guild_id or 0]
    perms = guild.permissions_in(world.bot_member(guild), channel)
    if not perms & VIEW_CHANNEL:
        raise errors.missing_access()
    if not perms & SEND_MESSAGES:
        raise errors.missing_permissions()


def _visible_in(message: dict[str, Any], channel: Channel) -> bool:
    """In the channel's history: not deleted, not ephemeral."""
    return message["channel_id"] == str(channel.id) and not message["flags"] & 64


def install(rest: Rest, effects: Effects) -> None:
    world = effects.world
    channel_messages = "/channels/{channel_id}/messages"
    one_message = "/channels/{channel_id}/messages/{message_id}"

    @rest.route("GET", "/channels/{channel_id}")
    async def get_channel(call: Call, params: dict[str, str]) -> Any:
        return payloads.channel(world.find_channel(int(params["channel_id"])))

    @rest.route("POST", channel_messages)
    async def create(call: Call, params: dict[str, str]) -> Any:
        channel = world.find_channel(int(params["channel_id"]))
        body = dict(call.json or {})
        if call.files:
            body["attachments"] = [payloads.attachment(name) for name in call.files]
        validate_message(body, files=bool(call.files))
        check_can_send(world, channel)
        if body.get("enforce_nonce") and body.get("nonce") is not None:
            for message in world.messages.values():
                same = message.get("nonce") == body["nonce"] and _visible_in(message, channel)
                if same and message["author"]["id"] == str(world.bot.id):
                    return message
        return effects.post(channel, world.bot, body)

    @rest.route("GET", channel_messages)
    async def history(call: Call, params: dict[str, str]) -> Any:
        channel = world.find_channel(int(params["channel_id"]))
        check_can_read(world, channel)
        limit = int(call.query.get("limit", 50))
        if not 1 <= limit <= 100:
            raise errors.invalid_form("limit", "NUMBER_TYPE_MAX", "Must be 1 to 100.")
        ids = sorted(
            (i for i, m in world.messages.items() if _visible_in(m, channel)), reverse=True
        )
        if "before" in call.query:
            ids = [i for i in ids if i < int(call.query["before"])]
        if "after" in call.query:
            ids = [i for i in ids if i > int(call.query["after"])][-limit:]
        if "around" in call.query:
            pivot = int(call.query["around"])
            ids = sorted(ids, key=lambda i: abs(i - pivot))[:limit]
            ids.sort(reverse=True)
        return [world.messages[i] for i in ids[:limit]]

    @rest.route("GET", one_message)
    async def get_message(call: Call, params: dict[str, str]) -> Any:
        channel = world.find_channel(int(params["channel_id"]))
        check_can_read(world, channel)
        return world.find_message(channel.id, int(params["message_id"]))

    @rest.route("PATCH", one_message)
    async def edit(call: Call, params: dict[str, str]) -> Any:
        message = world.find_message(int(params["channel_id"]), int(params["message_id"]))
        if message["author"]["id"] != str(world.bot.id):
            raise errors.ApiError(403, 50005, "Cannot edit a message authored by another user")
        body = call.json or {}
        validate_message(body, edit=True)
        return effects.edit(message, body)

    @rest.route("DELETE", one_message)
    async def delete(call: Call, params: dict[str, str]) -> Any:
        message = world.find_message(int(params["channel_id"]), int(params["message_id"]))
        effects.delete_message(world.bot, message, reason(call))
        return Reply(204)

    @rest.route("POST", "/channels/{channel_id}/messages/bulk-delete")
    async def bulk_delete(call: Call, params: dict[str, str]) -> Any:
        channel = world.find_channel(int(params["channel_id"]))
        ids = [int(i) for i in (call.json or {}).get("messages", [])]
        effects.bulk_delete(channel, world.bot, ids, reason(call))
        return Reply(204)

    @rest.route("POST", "/users/@me/channels")
    async def open_dm(call: Call, params: dict[str, str]) -> Any:
        user = world.find_user(int((call.json or {}).get("recipient_id", 0)))
        if user.id not in world.dms:
            world.dms[user.id] = Channel(snowflake(), "", None, type=1, recipient=user)
        return payloads.channel(world.dms[user.id])
