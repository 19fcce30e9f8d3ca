"""REST routes of the application: login, gateway URL, commands, interaction answers, followups.

Interaction rules checked as Discord does: a callback needs the right id and token, comes within
`ack_deadline` seconds (3 s), and only once (400 40060); followups and `@original` need an
acknowledged interaction (404 10015). Callbacks are answered with 2.7's `with_response` JSON.
"""

from __future__ import annotations

import re
import time
from typing import Any

from tests.platforms.discord import errors, payloads
from tests.platforms.discord.effects import Effects
from tests.platforms.discord.fake_rest import Call, Reply, Rest
from tests.platforms.discord.interaction_payloads import Builder
from tests.platforms.discord.interactions import (
    APPLICATION_COMMAND,
    MESSAGE_COMPONENT,
    Interaction,
)
from tests.platforms.discord.rest_messages import validate_message
from tests.platforms.discord.world import snowflake

NAME = re.compile(r"^[-_\w]{1,32}$")
LOCALES = set(
    "id da de en-GB en-US es-ES es-419 fr hr it lt hu nl no pl pt-BR ro fi sv-SE vi tr cs el bg "
    "ru uk hi th zh-CN ja zh-TW ko".split()
)
ALLOWED_CALLBACKS = {2: {4, 5, 8, 9}, 3: {4, 5, 6, 7, 9}, 5: {4, 5, 6, 7}}
LOADING, EPHEMERAL = 128, 64


def install(rest: Rest, effects: Effects, builder: Builder, gateway_url: Any) -> None:
    """Register the routes; `gateway_url()` gives the fake's websocket URL once it listens."""
    world = effects.world

    @rest.route("GET", "/users/@me")
    async def me(call: Call, params: dict[str, str]) -> Any:
        return {
            **payloads.user(world.bot),
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
        }

    @rest.route("GET", "/oauth2/applications/@me")
    @rest.route("GET", "/applications/@me")
    async def application(call: Call, params: dict[str, str]) -> Any:
        owner = world.users[world.guild.owner_id]
        return {
            "id": str(world.app_id),
            "name": world.bot.username,
            "icon": None,
            "description": "",
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": payloads.user(owner),
            "flags": 0,
            "team": None,
            "summary": "",
            "interactions_endpoint_url": None,
            "bot": payloads.user(world.bot),
        }

    @rest.route("GET", "/gateway")
    async def gateway(call: Call, params: dict[str, str]) -> Any:
        return {"url": gateway_url()}

    @rest.route("GET", "/gateway/bot")
    async def gateway_bot(call: Call, params: dict[str, str]) -> Any:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}
        return {"url": gateway_url(), "shards": 1, "session_start_limit": limit}

    for template in (
        "/applications/{application_id}/commands",
        "/applications/{application_id}/guilds/{guild_id}/commands",
    ):

        @rest.route("GET", template)
        async def get_commands(call: Call, params: dict[str, str]) -> Any:
            return world.commands.get(_scope(params), [])

        @rest.route("PUT", template)
        async def put_commands(call: Call, params: dict[str, str]) -> Any:
            if int(params["application_id"]) != world.app_id:
                raise errors.missing_access()
            scope = _scope(params)
            if scope is not None:
                world.find_guild(scope)
            world.commands[scope] = _sync(world.app_id, scope, call.json, world.commands.get(scope))
            return world.commands[scope]

    @rest.route("POST", "/interactions/{interaction_id}/{token}/callback", auth=False)
    async def callback(call: Call, params: dict[str, str]) -> Any:
        interaction = builder.by_id.get(int(params["interaction_id"]))
        if interaction is None or interaction.token != params["token"]:
            raise errors.unknown("interaction")
        late = time.monotonic() - interaction.created > builder.ack_deadline
        if late and not interaction.callbacks:
            raise errors.unknown("interaction")
        if interaction.callbacks:
            raise errors.ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = call.json or {}
        kind, data = body.get("type"), body.get("data") or {}
        if kind not in ALLOWED_CALLBACKS[interaction.payload["type"]]:
            raise errors.invalid_form("type", "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid type")
        message = _respond(effects, interaction, kind, data)
        interaction.callbacks.append(body)
        interaction.notify()
        if call.query.get("with_response") not in ("1", "true", "True"):
            return Reply(204)
        flags = (message or {}).get("flags", data.get("flags") or 0)
        answer: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.payload["type"],
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(flags & EPHEMERAL),
            }
        }
        if message is not None:
            answer["resource"] = {"type": kind, "message": message}
        return answer

    def find(params: dict[str, str]) -> Interaction:
        for interaction in builder.by_id.values():
            if interaction.token == params["token"] and interaction.callbacks:
                if int(params["webhook_id"]) == world.app_id:
                    return interaction
        raise errors.unknown("webhook")

    @rest.route("POST", "/webhooks/{webhook_id}/{token}", auth=False)
    async def followup(call: Call, params: dict[str, str]) -> Any:
        interaction = find(params)
        body = call.json or {}
        validate_message(body, files=bool(call.files))
        message = _post(effects, interaction, body, kind=0)
        interaction.followups.append(message)
        interaction.notify()
        return message if call.query.get("wait") in ("1", "true", "True") else Reply(204)

    def webhook_message(interaction: Interaction, message_id: str) -> dict[str, Any]:
        wanted = (
            interaction.original
            if message_id == "@original"
            else next((m for m in interaction.followups if m["id"] == message_id), None)
        )
        if wanted is None or int(wanted["id"]) not in world.messages:
            raise errors.unknown("message")
        return wanted

    template = "/webhooks/{webhook_id}/{token}/messages/{message_id}"

    @rest.route("GET", template, auth=False)
    async def get_webhook_message(call: Call, params: dict[str, str]) -> Any:
        return webhook_message(find(params), params["message_id"])

    @rest.route("PATCH", template, auth=False)
    async def edit_webhook_message(call: Call, params: dict[str, str]) -> Any:
        interaction = find(params)
        message = webhook_message(interaction, params["message_id"])
        body = call.json or {}
        validate_message(body, edit=True)
        changes = dict(body)
        if message["flags"] & LOADING:
            changes["flags"] = message["flags"] & ~LOADING
        interaction.edits.append(body)
        interaction.notify()
        return effects.edit(message, changes)

    @rest.route("DELETE", template, auth=False)
    async def delete_webhook_message(call: Call, params: dict[str, str]) -> Any:
        message = webhook_message(find(params), params["message_id"])
        effects.delete_message(world.bot, message, None)
        return Reply(204)


def _scope(params: dict[str, str]) -> int | None:
    return int(params["guild_id"]) if "guild_id" in params else None


def _respond(
    effects: Effects, interaction: Interaction, kind: int, data: dict[str, Any]
) -> dict[str, Any] | None:
    message_kind = 0  # a reply to a component or modal is a plain message
    if interaction.payload["type"] == APPLICATION_COMMAND:
        menu = interaction.payload["data"].get("type", 1) != 1
        message_kind = 23 if menu else 20  # CONTEXT_MENU_COMMAND, CHAT_INPUT_COMMAND
    if kind == 4:
        validate_message(data)
        interaction.original = _post(effects, interaction, data, message_kind)
        return interaction.original
    if kind == 5:
        loading = {"content": "", "flags": LOADING | (data.get("flags", 0) & EPHEMERAL)}
        interaction.original = _post(effects, interaction, loading, message_kind)
        return interaction.original
    if kind == 7:
        validate_message(data, edit=True)
        source = interaction.payload.get("message")
        if source is None or int(source["id"]) not in effects.world.messages:
            raise errors.unknown("message")
        return effects.edit(effects.world.messages[int(source["id"])], data)
    if kind == 9 and not (data.get("custom_id") and data.get("title") and data.get("components")):
        raise errors.invalid_form("data", "MODAL_INVALID", "custom_id, title, components needed")
    return None


def _post(effects: Effects, interaction: Interaction, body: dict[str, Any], kind: int) -> Any:
    world = effects.world
    member = interaction.payload["member"]
    metadata = {
        "id": str(interaction.id),
        "type": interaction.payload["type"],
        "user": member["user"],
        "authorizing_integration_owners": interaction.payload["authorizing_integration_owners"],
    }
    if interaction.payload["type"] == MESSAGE_COMPONENT:
        metadata["interacted_message_id"] = interaction.payload["message"]["id"]
    full = {**body, "webhook_id": str(world.app_id), "interaction_metadata": metadata}
    ephemeral = bool((body.get("flags") or 0) & EPHEMERAL)
    return effects.post(interaction.channel, world.bot, full, kind=kind, ephemeral=ephemeral)


def _sync(
    app_id: int, scope: int | None, commands: Any, before: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """Bulk overwrite with Discord's validation; ids stay stable for unchanged names."""
    if not isinstance(commands, list):
        raise errors.invalid_form("_", "LIST_TYPE_CONVERT", "Must be an array.")
    old = {(c["name"], c["type"]): c["id"] for c in before or []}
    seen: set[tuple[str, int]] = set()
    stored = []
    for index, command in enumerate(commands):
        kind = command.get("type", 1)
        _check_command(f"{index}", command, kind)
        key = (command["name"], kind)
        if key in seen:
            raise errors.invalid_form(
                f"{index}.name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Duplicate name"
            )
        seen.add(key)
        stored.append(
            {
                "id": old.get(key) or str(snowflake()),
                "application_id": str(app_id),
                "version": str(snowflake()),
                "type": kind,
                "description": "",
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                **command,
                **({"guild_id": str(scope)} if scope is not None else {}),
            }
        )
    for kind, most in ((1, 100), (2, 15), (3, 15)):
        if sum(1 for c in stored if c["type"] == kind) > most:
            raise errors.invalid_form("_", "APPLICATION_COMMANDS_TOO_MANY", "Too many commands")
    return stored


def _check_command(path: str, item: dict[str, Any], kind: int) -> None:
    """Names, descriptions, localisations and options, as Discord validates them."""
    name, description = item.get("name", ""), item.get("description", "")
    chat = kind == 1
    if chat and (not NAME.match(name) or name != name.lower()):
        raise errors.invalid_form(f"{path}.name", "APPLICATION_COMMAND_INVALID_NAME", name)
    if not 1 <= len(name) <= 32:
        raise errors.invalid_form(f"{path}.name", "BASE_TYPE_BAD_LENGTH", "1 to 32 characters.")
    if chat and not 1 <= len(description) <= 100:
        raise errors.invalid_form(f"{path}.description", "BASE_TYPE_BAD_LENGTH", "1 to 100.")
    for field in ("name_localizations", "description_localizations"):
        for locale in item.get(field) or {}:
            if locale not in LOCALES:
                raise errors.invalid_form(f"{path}.{field}.{locale}", "LOCALE_INVALID", locale)
    options = item.get("options") or []
    if len(options) > 25:
        raise errors.invalid_form(f"{path}.options", "BASE_TYPE_MAX_LENGTH", "25 or fewer.")
    seen_optional = False
    for index, option in enumerate(options):
        if option.get("required") and seen_optional:
            message = "Required options must be placed before non-required options"
            raise errors.invalid_form(
                f"{path}.options.{index}", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", message
            )
        seen_optional = seen_optional or not option.get("required")
        _check_command(f"{path}.options.{index}", option, 1)
