"""Logging in, and `modbot discord sync|invite`: what a server admin runs to set the bot up."""

from __future__ import annotations

import asyncio
import os
import sys

import aiohttp
import discord
import yarl

from adapters.base import Unreachable
from adapters.discord.client import ModbotClient
from adapters.discord.commands import application_commands, sync
from adapters.redact import Redactor
from bot.commands import COMMANDS
from bot.config import Config
from bot.config_discord import DiscordConfig
from bot.config_errors import ConfigError

PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    read_message_history=True,
    manage_messages=True,
    moderate_members=True,
    kick_members=True,
    ban_members=True,
    manage_roles=True,
    view_audit_log=True,
)
"""What the bot needs: read and answer, remove messages, time out, kick, ban, grant the
welcome gate's role, and read the audit log (to record bans and timeouts made by hand)."""


def point_at(settings: DiscordConfig) -> None:
    """Use the configured API and gateway (tests, proxies); Discord's own otherwise."""
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base.rstrip("/")
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def refused_token(settings: DiscordConfig, source: str) -> ConfigError:
    return ConfigError(
        source,
        [
            (
                "discord.token_env",
                f"Discord refused the token in ${settings.token_env} ([discord] token_env); "
                "copy the bot's token from the Developer Portal (your application, Bot, "
                "Reset Token) and set the variable again",
            )
        ],
    )


def refused_intents(source: str) -> ConfigError:
    return ConfigError(
        source,
        [
            (
                "discord",
                "Discord refused the Server Members or Message Content intent; turn both on "
                "in the Developer Portal (your application, Bot, Privileged Gateway Intents)",
            )
        ],
    )


async def login(client: discord.Client, token: str, settings: DiscordConfig, source: str) -> None:
    """Log in (who the bot is, its application); a refused token is a ConfigError naming
    `[discord] token_env`, Discord out of reach is `Unreachable`."""
    try:
        await client.login(token)
    except discord.LoginFailure:
        raise refused_token(settings, source) from None
    except (aiohttp.ClientError, OSError, discord.HTTPException) as exc:
        where = discord.http.Route.BASE
        raise Unreachable(f"cannot reach Discord at {where}: {exc}") from None


def run_discord(config: Config, verb: str, source: str) -> int:
    settings = config.discord
    token = os.environ.get(settings.token_env, "").strip()
    if not token:
        raise ConfigError(
            source,
            [("discord.token_env", f"set ${settings.token_env} to the bot's token first")],
        )
    redactor = Redactor([token])
    redactor.install()
    try:
        print(asyncio.run(_run(settings, token, verb, source)))
    except Unreachable as exc:
        print(f"modbot: {exc}", file=sys.stderr)
        return 1
    finally:
        redactor.uninstall()
    return 0


async def _run(settings: DiscordConfig, token: str, verb: str, source: str) -> str:
    point_at(settings)
    async with ModbotClient(intents=discord.Intents.none()) as client:
        await login(client, token, settings, source)
        app_id = client.application_id
        if verb == "invite":
            scopes = ("bot", "applications.commands")
            return discord.utils.oauth_url(app_id or 0, permissions=PERMISSIONS, scopes=scopes)
        stored = await sync(client, COMMANDS)
        menus = len(application_commands(COMMANDS)) - len(COMMANDS)
        return (
            f"modbot: registered {len(stored) - menus} slash commands and {menus} message menu "
            f"for application {app_id}; Discord shows them within minutes"
        )
