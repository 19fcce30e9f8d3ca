"""What the bot posts, as Discord wants it: content that pings only whom it addresses,
escalation notices as embeds, and persistent buttons that survive a restart."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from typing import Any, Protocol, cast

import discord

from bot.actions import Button, gate_of, vote_of
from bot.i18n import neutralise

MAX_CONTENT = 2000
MAX_TITLE = 256
MAX_DESCRIPTION = 4096
MAX_LABEL = 80
PENDING_COLOUR = discord.Colour.orange()
DECIDED_COLOUR = discord.Colour.dark_grey()
_MASS = re.compile(r"([@＠﹫])(?=(?:everyone|here)\b)", re.IGNORECASE)
_ROLE = re.compile(r"<@&")
_STYLES = {
    "dismiss": discord.ButtonStyle.secondary,
    "ban": discord.ButtonStyle.danger,
    "kick": discord.ButtonStyle.danger,
}


def defused(text: str) -> str:
    """`text` with every @everyone, @here and role mention broken by a zero-width space.
    `allowed_mentions` already stops them pinging; this also keeps them from reading as
    pings, whatever the text's origin (an FAQ answer, a member's name in an alert)."""
    return _ROLE.sub("<@\u200b&", _MASS.sub(lambda m: m.group(1) + "\u200b", text))


def clip(text: str, limit: int = MAX_CONTENT) -> str:
    """At most `limit` characters, never empty."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text or "…"


def allowed(users: Sequence[str] = ()) -> discord.AllowedMentions:
    """Pings for exactly these members: never @everyone, @here, a role or the replied-to."""
    listed: list[discord.abc.Snowflake] | bool = [discord.Object(int(u)) for u in users] or False
    return discord.AllowedMentions(everyone=False, users=listed, roles=False, replied_user=False)


def addressed(text: str, user_id: str | None, name: str | None, ping: Sequence[str] = ()) -> str:
    """`text` addressed with mentions: the member's name in the text becomes their mention
    (the name as the core wrote it, neutralised), else the mention goes in front; `ping`
    mentions go in front too."""
    text = defused(text)
    ahead = [f"<@{user}>" for user in ping if user.isdigit() and user != user_id]
    if user_id and user_id.isdigit():
        label = neutralise(name) if name else ""
        if label and label in text:
            text = text.replace(label, f"<@{user_id}>", 1)
        else:
            ahead.append(f"<@{user_id}>")
    return " ".join([*ahead, text]) if ahead else text


def nonce(key: str | None = None) -> int:
    """A message nonce: Discord keeps one message per nonce for a few minutes, so a send
    retried after a lost answer lands once. Derived from `key` when the send has one."""
    seed = key.encode() if key else secrets.token_bytes(8)
    return int.from_bytes(hashlib.sha256(seed).digest()[:7], "big")


def is_notice(buttons: Sequence[Button]) -> bool:
    return any(vote_of(button.data) is not None for button in buttons)


def notice_embed(text: str, decided: bool = False) -> discord.Embed:
    """A notice as an embed: its first line the title, the rest the description."""
    title, _, rest = defused(text).partition("\n")
    return discord.Embed(
        title=clip(title, MAX_TITLE),
        description=clip(rest, MAX_DESCRIPTION) if rest else None,
        colour=DECIDED_COLOUR if decided else PENDING_COLOUR,
    )


class Presses(Protocol):
    """The client's side of a press: it hands the button's data to the adapter."""

    async def pressed(self, interaction: discord.Interaction, data: str) -> None: ...


class Pressed(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"(?P<data>(?:esc|gate):[\w:.\-]{1,90})",
):
    """A verdict or gate button. Its custom_id is the core's button data, so it keeps
    working after a restart: the class is registered in `setup_hook`, not the message."""

    def __init__(
        self,
        data: str,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> None:
        super().__init__(
            discord.ui.Button(label=clip(label, MAX_LABEL), custom_id=data, style=style)
        )
        self.data = data

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: Any,
        /,
    ) -> Pressed:
        return cls(match["data"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await cast(Presses, interaction.client).pressed(interaction, self.data)


def view_of(buttons: Sequence[Button]) -> discord.ui.View | None:
    """The core's buttons as persistent Discord buttons (five to a row)."""
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons:
        verdict = vote_of(button.data)
        kind = verdict[1].partition(":")[0] if verdict else ""
        style = _STYLES.get(kind, discord.ButtonStyle.primary)
        if gate_of(button.data):
            style = discord.ButtonStyle.success
        view.add_item(Pressed(button.data, button.label, style))
    return view
