"""The core's command specs as Discord application commands, in English and Indonesian.

`default_member_permissions` only decides who sees a command by default (a server admin can
change it); the core checks every invocation itself. `/report` takes the reported message's
link, since a slash command cannot be a reply; the "Report message" menu is the quick way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import discord

from bot.commands.spec import Command, Option
from bot.i18n import text

SLASH, MESSAGE_MENU = 1, 3
IN_SERVERS = [0]
"""`contexts`: servers only (no DMs, no group chats)."""
MODERATOR_DEFAULT = discord.Permissions(manage_messages=True)
SEEN_WITH = {
    "ban": discord.Permissions(ban_members=True),
    "unban": discord.Permissions(ban_members=True),
    "kick": discord.Permissions(kick_members=True),
    "timeout": discord.Permissions(moderate_members=True),
    "untimeout": discord.Permissions(moderate_members=True),
    "reload": discord.Permissions(manage_guild=True),
}
OPTION_TYPES = {"member": 6, "integer": 4, "duration": 3, "text": 3, "word": 3}
STRING, MAX_DESCRIPTION = 3, 100
NEEDS_MESSAGE = frozenset({"report"})
MESSAGE_OPTION = "message"
DISCORD_DESCRIPTIONS = {"report": "discord.command_report", "warn": "discord.command_warn"}


def _described(key: str) -> dict[str, Any]:
    english, indonesian = text("en", key), text("id", key)
    return {
        "description": english[:MAX_DESCRIPTION],
        "description_localizations": {"id": indonesian[:MAX_DESCRIPTION]},
    }


def _named(name: str) -> dict[str, Any]:
    return {"name": name, "name_localizations": {"id": text("id", f"name.{name}")}}


def _option(option: Option) -> dict[str, Any]:
    rendered = {
        **_named(option.name),
        **_described(f"option.{option.name}"),
        "type": OPTION_TYPES[option.kind],
        "required": option.required,
    }
    if option.kind == "integer":
        rendered["min_value"], rendered["max_value"] = option.minimum, option.maximum
    return rendered


def default_permissions(spec: Command) -> str | None:
    """Who sees the command until a server admin says otherwise (None: everyone)."""
    if not spec.moderator:
        return None
    return str(SEEN_WITH.get(spec.name, MODERATOR_DEFAULT).value)


def slash_command(spec: Command) -> dict[str, Any]:
    options = [_option(o) for o in spec.options]
    if spec.name in NEEDS_MESSAGE:
        options.insert(0, _option(Option(MESSAGE_OPTION, "text", required=True)))
    options.sort(key=lambda o: not o["required"])  # Discord wants required options first
    return {
        **_named(spec.name),
        **_described(DISCORD_DESCRIPTIONS.get(spec.name, f"command.{spec.name}")),
        "type": SLASH,
        "options": options,
        "default_member_permissions": default_permissions(spec),
        "contexts": IN_SERVERS,
    }


def report_menu() -> dict[str, Any]:
    return {
        "name": text("en", "discord.report_menu"),
        "name_localizations": {"id": text("id", "discord.report_menu")},
        "type": MESSAGE_MENU,
        "contexts": IN_SERVERS,
    }


def application_commands(commands: Mapping[str, Command]) -> list[dict[str, Any]]:
    """Every command the bot registers: one slash command per spec, and the report menu."""
    return [*(slash_command(spec) for spec in commands.values()), report_menu()]


async def sync(client: discord.Client, commands: Mapping[str, Command]) -> list[dict[str, Any]]:
    """Overwrite the application's global commands with these (a logged-in client)."""
    assert client.application_id is not None
    stored = await client.http.bulk_upsert_global_commands(
        client.application_id, application_commands(commands)
    )
    return [dict(command) for command in stored]
