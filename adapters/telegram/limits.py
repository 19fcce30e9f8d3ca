"""PTB's rate limiter, with Telegram's per-group budget spent on messages only."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

SENDING = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendSticker",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
    }
)

Result = bool | dict[str, Any] | list[dict[str, Any]]


class ModerationLimiter(AIORateLimiter):
    """Telegram allows about 20 messages a minute into one group; PTB's limiter counts every
    call with a chat id against it. Here deletes, restrictions and bans skip both throttles
    (a flood's deletions never wait behind the minute's warnings), while they still pause
    when Telegram says "retry after" and are retried like any call."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        counted = data if endpoint in SENDING else {}
        return await super().process_request(
            callback, args, kwargs, endpoint, counted, rate_limit_args
        )
