"""Invites: links that pull members into another Discord server or Telegram group."""

from __future__ import annotations

from typing import ClassVar, Literal

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel
from rules.links import message_links

_DISCORD_HOSTS = frozenset({"discord.gg", "dsc.gg", "discord.me", "discord.io", "invite.gg"})
_DISCORD_INVITE_HOSTS = frozenset(
    {"discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"}
)
_TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})


def invite_code(host: str, path: str) -> tuple[str, str] | None:
    """(platform, code) when host + path is an invite link, else None."""
    parts = [p for p in path.split("?", 1)[0].split("#", 1)[0].split("/") if p]
    if host in _DISCORD_HOSTS and parts:
        return "discord", parts[0].lower()
    if host in _DISCORD_INVITE_HOSTS and len(parts) >= 2 and parts[0] == "invite":
        return "discord", parts[1].lower()
    if host in _TELEGRAM_HOSTS and parts:
        if parts[0] in ("joinchat", "addlist") and len(parts) >= 2:
            return "telegram", parts[1].lower()
        if len(parts) == 1 or parts[0].startswith("+"):
            return "telegram", parts[0].lower()
    return None


class InvitesRule(Rule):
    """Flags Discord and Telegram invite links, except to the community's own `allow` codes."""

    class Params(StrictModel):
        platforms: list[Literal["discord", "telegram"]] = ["discord", "telegram"]
        allow: list[str] = []

    cost: ClassVar[int] = 15

    def __init__(self, params: Params) -> None:
        self._platforms = frozenset(params.platforms)
        self._allow = frozenset(code.lower().lstrip("@") for code in params.allow)

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        for link in message_links(msg, ctx):
            found = invite_code(link.host, link.path)
            if found is None:
                continue
            platform, code = found
            if (
                platform in self._platforms
                and code.lstrip("+") not in self._allow
                and code not in self._allow
            ):
                return Finding(f"{platform} invite {code}", link.start, link.end)
        return None
