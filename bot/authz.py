"""Who may act on whom. Enforced in the core, whatever a platform's client shows or hides."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.events import Member

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an attempt is refused: a catalogue key and its values."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


def check_actor(actor: Member, command: str) -> Refusal | None:
    """Only moderators run moderator commands."""
    if actor.is_bot or not actor.is_moderator:
        return Refusal("authz.not_moderator", {"command": command})
    return None


def check_target(
    actor: Member, target: Member | None, bot: Member | None, command: str, asked_for: str | None
) -> Refusal | None:
    """Nobody acts on themselves, or on a member who ranks at or above them or the bot.

    A member the platform adapter could not find is refused, never assumed harmless: an
    unknown rank might be an admin's (the cause of Red-DiscordBot's massban advisory).
    """
    if target is None:
        key = "authz.target_missing" if asked_for else "authz.target_needed"
        return Refusal(key, {"command": command})
    if target.user_id == actor.user_id and target.platform == actor.platform:
        return Refusal("authz.self", {"command": command})
    if target.rank >= actor.rank:
        return Refusal("authz.outranks", {"user": target.name})
    if bot is None or target.rank >= bot.rank:
        return Refusal("authz.bot_outranks", {"user": target.name})
    return None


def logged(refusal: Refusal | None, actor: Member, command: str) -> Refusal | None:
    """Log a refused attempt (who tried what) and pass the refusal on."""
    if refusal is not None:
        log.warning(
            "refused /%s by %s:%s (%s)", command, actor.platform, actor.user_id, refusal.key
        )
    return refusal
