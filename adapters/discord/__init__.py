"""Discord through discord.py 2.7: converts and renders; the core decides."""

from adapters.discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
