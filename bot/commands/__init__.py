"""Every command, described once; adapters render them as slash or bot commands."""

from __future__ import annotations

from bot.commands import cases, health, members, moderation
from bot.commands.spec import Command, Context, Option

COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (
        *moderation.COMMANDS,
        *cases.COMMANDS,
        *members.COMMANDS,
        *health.COMMANDS,
    )
}

__all__ = ["COMMANDS", "Command", "Context", "Option"]
