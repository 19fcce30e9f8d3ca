"""INTERACTION_CREATE payloads a member's client would produce.

Like the real Discord client, the builders only offer what exists: a slash command or context
menu must have been synced and be visible to the member (its `default_member_permissions`;
`strict=False` skips both checks, as if a server admin had granted the command), options are
typed from the synced schema (a `Member` option becomes type 6 with `resolved` users and
members), and a button must be present and enabled in the message the bot sent. Member
`permissions` are resolved for the channel (administrators get every bit), as Discord sends them.
"""

from __future__ import annotations

import secrets
from typing import Any

from tests.platforms.discord import payloads
from tests.platforms.discord.interactions import (
    APPLICATION_COMMAND,
    CHAT_INPUT,
    MESSAGE_COMPONENT,
    MESSAGE_MENU,
    MODAL_SUBMIT,
    USER_MENU,
    Interaction,
    walk_components,
)
from tests.platforms.discord.world import Channel, Guild, Member, Role, World, snowflake


class Builder:
    """Builds interactions for a world and keeps them by id for the callback routes."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.by_id: dict[int, Interaction] = {}
        self.ack_deadline = 3.0  # Discord's: answer within 3 s or the token is dead

    def slash(
        self, member: Member, name: str, channel: Channel, options: dict[str, Any], strict: bool
    ) -> Interaction:
        """`name` may hold a subcommand ("mod ban"); option values may be members or roles."""
        guild = self._guild(channel)
        top, *subs = name.split()
        command = self._command(guild, top, CHAT_INPUT, strict)
        self._check_visible(guild, member, channel, command, strict)
        schema = command.get("options", [])
        nested: list[dict[str, Any]] = []
        target = nested
        for sub in subs:
            found = next((o for o in schema if o["name"] == sub), None)
            if strict and found is None:
                raise AssertionError(f"/{top} has no subcommand {sub!r}")
            schema = (found or {}).get("options", [])
            entry = {"name": sub, "type": (found or {}).get("type", 1), "options": []}
            target.append(entry)
            target = entry["options"]
        resolved: dict[str, dict[str, Any]] = {}
        target.extend(self._options(guild, channel, schema, options, resolved, strict))
        data: dict[str, Any] = {"id": command["id"], "name": top, "type": CHAT_INPUT}
        data["options"] = nested
        if resolved:
            data["resolved"] = resolved
        return self._make(APPLICATION_COMMAND, member, channel, self._scoped(data, command))

    def context_menu(
        self,
        member: Member,
        name: str,
        channel: Channel,
        target: Member | dict[str, Any],
        strict: bool,
    ) -> Interaction:
        """A message menu when `target` is a message payload, a user menu for a member."""
        guild = self._guild(channel)
        kind = USER_MENU if isinstance(target, Member) else MESSAGE_MENU
        command = self._command(guild, name, kind, strict)
        self._check_visible(guild, member, channel, command, strict)
        resolved: dict[str, dict[str, Any]] = {}
        if isinstance(target, Member):
            target_id = str(target.id)
            self._resolve_member(guild, channel, target, resolved)
        else:
            target_id = target["id"]
            resolved["messages"] = {target_id: target}
        data = {"id": command["id"], "name": name, "type": kind, "target_id": target_id}
        data["resolved"] = resolved
        return self._make(APPLICATION_COMMAND, member, channel, self._scoped(data, command))

    def component(
        self, member: Member, message: dict[str, Any], custom_id: str, values: list[str] | None
    ) -> Interaction:
        """A button press (or a select when `values` is given) on a message the bot sent."""
        channel = self.world.find_channel(int(message["channel_id"]))
        found = [
            c
            for c in walk_components(message.get("components", []))
            if c.get("custom_id") == custom_id
        ]
        if not found:
            raise AssertionError(f"no component {custom_id!r} on message {message['id']}")
        if found[0].get("disabled"):
            raise AssertionError(f"component {custom_id!r} is disabled")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": found[0]["type"]}
        if "id" in found[0]:
            data["id"] = found[0]["id"]
        if values is not None:
            data["values"] = values
        return self._make(MESSAGE_COMPONENT, member, channel, data, message=message)

    def modal_submit(
        self, member: Member, opened_by: Interaction, values: dict[str, Any]
    ) -> Interaction:
        """Submit the modal the bot answered `opened_by` with; `values` by custom_id."""
        modal = next((c["data"] for c in opened_by.callbacks if c["type"] == 9), None)
        if modal is None:
            raise AssertionError("the bot did not answer with a modal")

        def answer(component: dict[str, Any]) -> dict[str, Any]:
            kind = component["type"]
            if kind == 1:
                return {"type": 1, "components": [answer(c) for c in component["components"]]}
            if kind == 18:
                return {
                    "type": 18,
                    "id": component.get("id"),
                    "component": answer(component["component"]),
                }
            if kind == 4:
                value = values.get(component["custom_id"], "")
                return {"type": 4, "custom_id": component["custom_id"], "value": value}
            if "custom_id" in component:
                chosen = values.get(component["custom_id"], [])
                return {"type": kind, "custom_id": component["custom_id"], "values": chosen}
            return {"type": kind, "id": component.get("id")}

        data = {
            "custom_id": modal["custom_id"],
            "components": [answer(c) for c in modal["components"]],
        }
        message = opened_by.payload.get("message")
        return self._make(MODAL_SUBMIT, member, opened_by.channel, data, message=message)

    def _make(
        self,
        kind: int,
        member: Member,
        channel: Channel,
        data: dict[str, Any],
        message: dict[str, Any] | None = None,
    ) -> Interaction:
        guild = self._guild(channel)
        bot = self.world.bot_member(guild)
        interaction_id = snowflake()
        token = f"aW50ZXJhY3Rpb246{interaction_id}:{secrets.token_urlsafe(24)}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.world.app_id),
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": guild.locale, "features": []},
            "channel_id": str(channel.id),
            "channel": payloads.channel(channel),
            "member": payloads.member(member, permissions=guild.permissions_in(member, channel)),
            "app_permissions": str(guild.permissions_in(bot, channel)),
            "locale": member.user.locale,
            "guild_locale": guild.locale,
            "attachment_size_limit": payloads.ATTACHMENT_LIMIT,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "context": 0,
            "authorizing_integration_owners": {"0": str(guild.id)},
            "data": data,
        }
        if message is not None:
            payload["message"] = message
        interaction = Interaction(interaction_id, token, payload, channel)
        self.by_id[interaction_id] = interaction
        return interaction

    def _guild(self, channel: Channel) -> Guild:
        if channel.guild_id is None:
            raise AssertionError("interactions in DMs are not modelled")
        return self.world.guilds[channel.guild_id]

    def _command(self, guild: Guild, name: str, kind: int, strict: bool) -> dict[str, Any]:
        for scope in (guild.id, None):
            for command in self.world.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == kind:
                    return command
        if strict:
            raise AssertionError(f"the bot never synced command {name!r} (type {kind})")
        return {"id": str(snowflake()), "name": name, "type": kind}

    def _check_visible(
        self, guild: Guild, member: Member, channel: Channel, command: dict[str, Any], strict: bool
    ) -> None:
        """Discord hides a command from members without its `default_member_permissions`."""
        needed = int(command.get("default_member_permissions") or 0)
        if strict and guild.permissions_in(member, channel) & needed != needed:
            name = member.user.username
            raise AssertionError(
                f"Discord hides {command['name']!r} from {name} (strict=False: "
                "as if an admin granted it in the server's Integrations)"
            )

    def _scoped(self, data: dict[str, Any], command: dict[str, Any]) -> dict[str, Any]:
        if command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return data

    def _options(
        self,
        guild: Guild,
        channel: Channel,
        schema: list[dict[str, Any]],
        values: dict[str, Any],
        resolved: dict[str, dict[str, Any]],
        strict: bool,
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in schema}
        if strict:
            missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
            unknown = [n for n in values if n not in by_name]
            if missing or unknown:
                raise AssertionError(f"options missing {missing}, unknown {unknown}")
        options = []
        for name, value in values.items():
            kind = by_name.get(name, {}).get("type") or _infer_type(value)
            choices = [c["value"] for c in by_name.get(name, {}).get("choices", [])]
            if strict and choices and value not in choices:
                raise AssertionError(f"{value!r} is not a choice of {name!r}: {choices}")
            if isinstance(value, Member):
                self._resolve_member(guild, channel, value, resolved)
                value = str(value.id)
            elif isinstance(value, Role):
                resolved.setdefault("roles", {})[str(value.id)] = payloads.role(value)
                value = str(value.id)
            elif isinstance(value, Channel):
                resolved.setdefault("channels", {})[str(value.id)] = {
                    **payloads.channel(value),
                    "permissions": "0",
                }
                value = str(value.id)
            options.append({"name": name, "type": kind, "value": value})
        return options

    def _resolve_member(
        self, guild: Guild, channel: Channel, member: Member, resolved: dict[str, dict[str, Any]]
    ) -> None:
        key = str(member.id)
        resolved.setdefault("users", {})[key] = payloads.user(member.user)
        resolved.setdefault("members", {})[key] = payloads.member(
            member, with_user=False, permissions=guild.permissions_in(member, channel)
        )


def _infer_type(value: Any) -> int:
    if isinstance(value, Member):
        return 6
    if isinstance(value, Role):
        return 8
    if isinstance(value, Channel):
        return 7
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    return 10 if isinstance(value, float) else 3
