"""What an end-to-end platform test reads back from a running bot: the audit log's rows, and
the executor's retries once time has moved past their backoff."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text as sql

from bot.app import App
from bot.config import Config
from storage.db import Database


class RunningBot:
    """Shared by the Telegram and Discord harnesses, which provide `config`, `clock` (with
    `advance(seconds=...)`) and the running `app`."""

    config: Config
    clock: Any
    app: App
    retry_step = 10.0
    """Seconds the clock moves before each reconcile round."""

    async def reconcile(self, rounds: int = 5) -> int:
        """Time moves on past each retry's backoff and the executor retries what is
        pending, until nothing is (at most `rounds` times). Returns how many were tried."""
        assert self.app.services is not None
        tried = 0
        for _ in range(rounds):
            self.clock.advance(seconds=self.retry_step)
            done = await self.app.services.executor.reconcile()
            tried += done
            if not done:
                break
        return tried

    async def rows(self, query: str) -> list[tuple[Any, ...]]:
        db = Database(self.config.storage.resolved_url())
        try:
            async with db.read() as conn:
                return [tuple(row) for row in await conn.execute(sql(query))]
        finally:
            await db.close()

    async def cases(self) -> list[tuple[str, str]]:
        """(decision, user id) of every case, in order."""
        return await self.rows("SELECT decision, user_id FROM cases ORDER BY id")  # type: ignore[return-value]

    async def actions(self) -> list[tuple[str, str, str, str, str]]:
        """(kind, user id, message id, status, key) of every recorded action, in order."""
        return await self.rows(  # type: ignore[return-value]
            "SELECT kind, user_id, message_id, status, key FROM actions ORDER BY id"
        )
