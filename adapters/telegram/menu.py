"""The core's commands as Telegram's command menu, in English and Indonesian."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
)

from bot.commands.spec import Command
from bot.i18n import LANGUAGES, text

DEFAULT_LANGUAGE = "en"


Menu = tuple[BotCommandScope, str | None, list[BotCommand]]


def menus(commands: Mapping[str, Command]) -> list[Menu]:
    """(scope, language code, commands) for every setMyCommands call: members see member
    commands, chat admins see all. English is the default menu; `id` users get Indonesian."""
    out: list[Menu] = []
    for language in LANGUAGES:
        code = None if language == DEFAULT_LANGUAGE else language

        def listed(moderators: bool, language: str = language) -> list[BotCommand]:
            return [
                BotCommand(name, text(language, f"command.{name}"))
                for name, spec in commands.items()
                if moderators or not spec.moderator
            ]

        out.append((BotCommandScopeAllGroupChats(), code, listed(False)))
        out.append((BotCommandScopeAllChatAdministrators(), code, listed(True)))
    return out


async def register(bot: Bot, commands: Mapping[str, Command]) -> None:
    for scope, code, listed in menus(commands):
        await bot.set_my_commands(listed, scope=scope, language_code=code)
