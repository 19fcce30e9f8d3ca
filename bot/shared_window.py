"""Each author's recent messages in Redis, so processes that share a community share its flood
and duplicate windows."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from bot.window import RecentWindow
from rules.base import Recent

log = logging.getLogger(__name__)
TTL = timedelta(days=1)
"""An author silent this long is forgotten (longer than any flood or duplicate window)."""


def _encode(entry: Recent) -> str:
    return json.dumps([entry.sent_at.isoformat(), entry.channel_id, entry.fingerprint])


def _decode(raw: bytes | str) -> Recent:
    sent_at, channel_id, fingerprint = json.loads(raw)
    return Recent(datetime.fromisoformat(sent_at), channel_id, fingerprint)


class SharedWindow:
    """The last `keep` messages of each author, in one Redis list per author.

    `remember` reads what the author posted before and appends the new message in one
    MULTI/EXEC transaction, so two processes handling the same author at once each see the
    other's message or come after it, never lose it. When Redis cannot be reached the
    process falls back to its own window (said once in the log) and moderation goes on.
    """

    def __init__(self, client: Any, prefix: str = "modbot:recent:", ttl: timedelta = TTL) -> None:
        self._client = client
        self._prefix = prefix
        self._ttl = int(ttl.total_seconds())
        self._local = RecentWindow()
        self._down = False

    @classmethod
    def connect(cls, url: str, prefix: str = "modbot:recent:") -> SharedWindow:
        from redis.asyncio import Redis

        client = Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        return cls(client, prefix)

    async def remember(
        self, community: str, user_id: str, entry: Recent, keep: int
    ) -> tuple[Recent, ...]:
        keep = max(keep, 1)
        key = f"{self._prefix}{community}:{user_id}"
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.lrange(key, -keep, -1)
                pipe.rpush(key, _encode(entry))
                pipe.ltrim(key, -keep, -1)
                pipe.expire(key, self._ttl)
                before, *_ = await pipe.execute()
        except Exception as exc:  # noqa: BLE001 - Redis down must not stop moderation
            if not self._down:
                log.warning("Redis unreachable (%s): flood windows are per process for now", exc)
                self._down = True
            return self._local.push(community, user_id, entry, keep)
        if self._down:
            log.warning("Redis reachable again: flood windows are shared again")
            self._down = False
        return tuple(_decode(raw) for raw in before)

    async def close(self) -> None:
        await self._client.aclose()
