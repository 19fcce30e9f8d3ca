"""REST routes for guilds: members (timeout, roles, nick, kick), bans, roles, audit log, users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.platforms.discord import errors, payloads
from tests.platforms.discord.effects import MEMBER_UPDATE, Effects
from tests.platforms.discord.fake_gateway import GUILD_MEMBERS
from tests.platforms.discord.fake_rest import Call, Reply, Rest
from tests.platforms.discord.rest_messages import reason
from tests.platforms.discord.world import BAN, VIEW_AUDIT_LOG, Guild

MANAGE_NICKNAMES = 1 << 27
GUILD_ONLY_KEYS = {"members", "channels", "threads", "voice_states", "presences", "large"}


def _page(items: list[Any], query: dict[str, str], key: Any, default: int, most: int) -> list[Any]:
    limit = int(query.get("limit", default))
    if not 1 <= limit <= most:
        raise errors.invalid_form("limit", "NUMBER_TYPE_MAX", f"Must be 1 to {most}.")
    if "before" in query:
        items = [i for i in items if key(i) < int(query["before"])]
    if "after" in query:
        items = [i for i in items if key(i) > int(query["after"])]
    return items[:limit]


def install(rest: Rest, effects: Effects) -> None:
    world = effects.world
    member_path = "/guilds/{guild_id}/members/{user_id}"

    def guild_of(params: dict[str, str]) -> Guild:
        return world.find_guild(int(params["guild_id"]))

    @rest.route("GET", "/users/{user_id}")
    async def get_user(call: Call, params: dict[str, str]) -> Any:
        return payloads.user(world.find_user(int(params["user_id"])))

    @rest.route("GET", "/guilds/{guild_id}")
    async def get_guild(call: Call, params: dict[str, str]) -> Any:
        data = payloads.guild_create(world, guild_of(params), all_members=False)
        return {k: v for k, v in data.items() if k not in GUILD_ONLY_KEYS}

    @rest.route("GET", "/guilds/{guild_id}/channels")
    async def get_channels(call: Call, params: dict[str, str]) -> Any:
        return [payloads.channel(c) for c in guild_of(params).channels.values()]

    @rest.route("GET", "/guilds/{guild_id}/roles")
    async def get_roles(call: Call, params: dict[str, str]) -> Any:
        return [payloads.role(r) for r in guild_of(params).roles.values()]

    @rest.route("GET", "/guilds/{guild_id}/members")
    async def list_members(call: Call, params: dict[str, str]) -> Any:
        if not world.enabled_intents & GUILD_MEMBERS:
            raise errors.missing_access()
        members = sorted(guild_of(params).members.values(), key=lambda m: m.id)
        page = _page(members, call.query, lambda m: m.id, 1, 1000)
        return [payloads.member(m) for m in page]

    @rest.route("GET", member_path)
    async def get_member(call: Call, params: dict[str, str]) -> Any:
        return payloads.member(guild_of(params).member(int(params["user_id"])))

    @rest.route("PATCH", member_path)
    async def edit_member(call: Call, params: dict[str, str]) -> Any:
        guild = guild_of(params)
        target = guild.member(int(params["user_id"]))
        bot, body, why = world.bot_member(guild), call.json or {}, reason(call)
        if "communication_disabled_until" in body:
            until = body["communication_disabled_until"]
            parsed = datetime.fromisoformat(until) if until else None
            effects.timeout(guild, bot, target, parsed, why)
        if "roles" in body:
            effects.set_roles(guild, bot, target, [int(r) for r in body["roles"]], why)
        if "nick" in body:
            if target.id != bot.id:
                guild.require(bot, MANAGE_NICKNAMES, target)
            change = {"key": "nick", "old_value": target.nick, "new_value": body["nick"]}
            target.nick = body["nick"]
            effects.gateway.broadcast("GUILD_MEMBER_UPDATE", payloads.member_update(guild, target))
            entry = payloads.audit_entry(guild, bot.id, MEMBER_UPDATE, target.id, why, [change])
            effects.gateway.broadcast("GUILD_AUDIT_LOG_ENTRY_CREATE", entry)
        return payloads.member(target)

    @rest.route("DELETE", member_path)
    async def kick(call: Call, params: dict[str, str]) -> Any:
        guild = guild_of(params)
        target = guild.member(int(params["user_id"]))
        effects.kick(guild, world.bot_member(guild), target, reason(call))
        return Reply(204)

    role_path = "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"

    @rest.route("PUT", role_path)
    @rest.route("DELETE", role_path)
    async def change_role(call: Call, params: dict[str, str]) -> Any:
        guild = guild_of(params)
        target = guild.member(int(params["user_id"]))
        role = guild.role(int(params["role_id"]))
        roles = [r for r in target.roles if r != role.id]
        if call.method == "PUT":
            roles.append(role.id)
        if roles != target.roles:
            effects.set_roles(guild, world.bot_member(guild), target, roles, reason(call))
        return Reply(204)

    @rest.route("GET", "/guilds/{guild_id}/bans")
    async def list_bans(call: Call, params: dict[str, str]) -> Any:
        guild = guild_of(params)
        guild.require(world.bot_member(guild), BAN)
        page = _page(sorted(guild.bans), call.query, lambda u: u, 1000, 1000)
        return [{"reason": guild.bans[u], "user": payloads.user(world.users[u])} for u in page]

    ban_path = "/guilds/{guild_id}/bans/{user_id}"

    @rest.route("GET", ban_path)
    async def get_ban(call: Call, params: dict[str, str]) -> Any:
        guild, user_id = guild_of(params), int(params["user_id"])
        guild.require(world.bot_member(guild), BAN)
        if user_id not in guild.bans:
            raise errors.unknown("ban")
        return {"reason": guild.bans[user_id], "user": payloads.user(world.users[user_id])}

    @rest.route("PUT", ban_path)
    async def ban(call: Call, params: dict[str, str]) -> Any:
        guild, user = guild_of(params), world.find_user(int(params["user_id"]))
        body = call.json if isinstance(call.json, dict) else {}
        days = int(body.get("delete_message_days", 0))
        seconds = call.query.get("delete_message_seconds", body.get("delete_message_seconds"))
        purge = int(seconds) if seconds is not None else days * 86400
        effects.ban(guild, world.bot_member(guild), user, reason(call), purge)
        return Reply(204)

    @rest.route("DELETE", ban_path)
    async def unban(call: Call, params: dict[str, str]) -> Any:
        guild, user = guild_of(params), world.find_user(int(params["user_id"]))
        effects.unban(guild, world.bot_member(guild), user, reason(call))
        return Reply(204)

    @rest.route("GET", "/guilds/{guild_id}/audit-logs")
    async def audit_log(call: Call, params: dict[str, str]) -> Any:
        guild = guild_of(params)
        if not guild.base_permissions(world.bot_member(guild)) & VIEW_AUDIT_LOG:
            raise errors.missing_permissions()
        entries = list(reversed(guild.audit_log))
        if "user_id" in call.query:
            entries = [e for e in entries if e["user_id"] == call.query["user_id"]]
        if "action_type" in call.query:
            entries = [e for e in entries if e["action_type"] == int(call.query["action_type"])]
        if "after" in call.query:
            entries.reverse()
        entries = _page(entries, call.query, lambda e: int(e["id"]), 50, 100)
        user_ids = {int(e["user_id"]) for e in entries}
        user_ids |= {int(e["target_id"]) for e in entries if e["target_id"]}
        users = [payloads.user(world.users[u]) for u in user_ids if u in world.users]
        empty: list[Any] = []
        return {
            "audit_log_entries": entries,
            "users": users,
            "integrations": empty,
            "webhooks": empty,
            "guild_scheduled_events": empty,
            "threads": empty,
            "application_commands": empty,
            "auto_moderation_rules": empty,
        }
