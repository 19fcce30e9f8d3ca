"""Moderation actions as Bot API calls, and Telegram's answers as the core's outcomes.

Every action states a target state, so a retry after a lost answer is harmless: deleting a
deleted message, banning a banned member or restricting a restricted one converges. A warn
is a message, the one action a retry after a timed-out answer could show twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot, ChatPermissions, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from adapters.base import PermissionDenied, TargetGone, TransientError
from adapters.telegram.convert import split_channel
from adapters.telegram.ui import mention
from bot.actions import Action, ActionKind

SHORTEST = timedelta(seconds=30)
LONGEST = timedelta(days=366)
MARGIN = timedelta(seconds=5)
_GONE = (
    "not found",
    "message_id_invalid",
    "user_not_participant",
    "participant_id_invalid",
    "user is not a member",
    "member not found",
)
_DENIED = (
    "not enough rights",
    "administrator",
    "chat owner",
    "chat_admin_required",
    "have no rights",
    "can't be deleted",
    "can't restrict self",
    "available only for supergroups",
    "chat not found",
    "bot was kicked",
)


def within_window(until: datetime, now: datetime) -> datetime | None:
    """`until` kept inside Telegram's 30 s .. 366 d window (outside it a restriction lasts
    forever); None when it has already passed, so there is nothing left to apply."""
    if until <= now:
        return None
    return min(max(until, now + SHORTEST + MARGIN), now + LONGEST - timedelta(days=1))


async def apply(
    bot: Bot, action: Action, now: datetime, name_of: Callable[[int], str | None]
) -> None:
    """Apply one action; Telegram's refusals become TargetGone, PermissionDenied or
    TransientError as the executor expects."""
    try:
        await _apply(bot, action, now, name_of)
    except BadRequest as exc:
        text = exc.message.lower()
        if any(part in text for part in _DENIED):
            raise PermissionDenied(exc.message) from None
        if any(part in text for part in _GONE):
            raise TargetGone(exc.message) from None
        raise
    except RetryAfter as exc:
        raise TransientError(f"rate limited for {exc.retry_after}") from None
    except TimedOut as exc:
        raise TransientError(f"timed out: {exc.message}") from None
    except NetworkError as exc:
        raise TransientError(exc.message) from None
    except (Forbidden, InvalidToken) as exc:
        raise PermissionDenied(exc.message) from None
    except ChatMigrated as exc:
        raise PermissionDenied(
            f"the group is now the supergroup {exc.new_chat_id}; list that id in the config"
        ) from None


async def _apply(
    bot: Bot, action: Action, now: datetime, name_of: Callable[[int], str | None]
) -> None:
    chat, user = int(action.community_id), int(action.user_id)
    kind = action.kind
    if kind is ActionKind.DELETE:
        if action.message_id:
            await bot.delete_message(chat, int(action.message_id))
    elif kind is ActionKind.WARN:
        await _warn(bot, action, user, name_of(user) or str(user))
    elif kind in (ActionKind.TIMEOUT, ActionKind.RESTRICT):
        until = within_window(action.until, now) if action.until is not None else None
        if action.until is not None and until is None:
            return  # it has already ended: the target state (not muted now) holds
        await bot.restrict_chat_member(
            chat,
            user,
            ChatPermissions.no_permissions(),
            until_date=until,
            use_independent_chat_permissions=True,
        )
    elif kind in (ActionKind.UNTIMEOUT, ActionKind.UNRESTRICT):
        await bot.restrict_chat_member(
            chat, user, ChatPermissions.all_permissions(), use_independent_chat_permissions=True
        )
    elif kind is ActionKind.KICK:
        await bot.ban_chat_member(chat, user)
        await bot.unban_chat_member(chat, user, only_if_banned=True)
    elif kind is ActionKind.BAN:
        until = within_window(action.until, now) if action.until is not None else None
        await bot.ban_chat_member(chat, user, until_date=until)
    elif kind is ActionKind.UNBAN:
        await bot.unban_chat_member(chat, user, only_if_banned=True)


async def _warn(bot: Bot, action: Action, user: int, name: str) -> None:
    """In the chat, addressed to the member: bots cannot write to strangers first."""
    chat, topic = split_channel(action.channel_id or action.community_id)
    text, entities = mention(action.reason, [(user, name)])
    reply = (
        ReplyParameters(int(action.message_id), allow_sending_without_reply=True)
        if action.message_id
        else None
    )
    await bot.send_message(
        chat, text, entities=entities, message_thread_id=topic, reply_parameters=reply
    )
