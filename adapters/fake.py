"""An in-memory platform for tests and scripts: delivers messages, records every action.

Like errbot's test backend, it ships with the package so tests read like conversations:

    fake = FakeAdapter()
    await fake.deliver(fake.message("you absolute b1tch", author="bob"))
    assert [a.kind for a in fake.calls] == ["delete", "warn"]
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from adapters.base import Core
from bot.actions import Action, Decision, Posted, Reply
from bot.events import Member, Message, utcnow


class FakeAdapter:
    """A platform that does what it is told. `fail` queues exceptions per action kind (raised
    on the next calls of that kind); `calls_file` appends each applied action as a JSON line
    (fsynced), so calls can be counted across processes; `hang` makes `apply` never return."""

    def __init__(
        self,
        platform: str = "fake",
        *,
        community_id: str = "c1",
        calls_file: Path | None = None,
        hang: bool = False,
    ) -> None:
        self.platform = platform
        self.community_id = community_id
        self.calls: list[Action] = []
        self.sent: list[Reply] = []
        self.edits: list[tuple[Posted, str]] = []
        self.retracted: list[Posted] = []
        self.fail: dict[str, list[Exception]] = defaultdict(list)
        self.ready = asyncio.Event()
        self._calls_file = calls_file
        self._hang = hang
        self._core: Core | None = None
        self._closed = asyncio.Event()
        self._next_id = 0

    async def run(self, core: Core) -> None:
        self._core = core
        self.ready.set()
        await self._closed.wait()

    def close(self) -> None:
        self._closed.set()

    @property
    def core(self) -> Core:
        """The core this platform talks to (once `run` started)."""
        assert self._core is not None
        return self._core

    async def deliver(self, msg: Message) -> Decision | None:
        """Hand a message to the core as the platform would; returns the core's decision."""
        await self.ready.wait()
        assert self._core is not None
        return await self._core.on_message(msg)

    def message(
        self,
        text: str,
        *,
        author: str = "member",
        moderator: bool = False,
        channel: str = "general",
        message_id: str | None = None,
        sent_at: datetime | None = None,
        roles: frozenset[str] = frozenset(),
        rank: int | None = None,
        reply_to: str | None = None,
    ) -> Message:
        """Build a message from a long-standing member (or a moderator)."""
        self._next_id += 1
        member = self.member(author, moderator=moderator, roles=roles, rank=rank)
        return Message(
            platform=self.platform,
            community_id=self.community_id,
            channel_id=channel,
            message_id=message_id or f"m{self._next_id}",
            author=member,
            text=text,
            sent_at=sent_at or utcnow(),
            reply_to=reply_to,
        )

    def member(
        self,
        name: str,
        *,
        moderator: bool = False,
        roles: frozenset[str] = frozenset(),
        rank: int | None = None,
    ) -> Member:
        """A long-standing member; moderators rank 10 unless told otherwise, members 0."""
        return Member(
            platform=self.platform,
            community_id=self.community_id,
            user_id=name,
            name=name,
            is_moderator=moderator,
            roles=roles,
            joined_at=datetime(2024, 1, 1, tzinfo=UTC),
            account_created_at=datetime(2020, 1, 1, tzinfo=UTC),
            rank=rank if rank is not None else (10 if moderator else 0),
        )

    async def send(self, reply: Reply) -> Posted:
        self.sent.append(reply)
        return Posted(self.platform, reply.channel_id, f"bot{len(self.sent)}")

    async def edit(self, posted: Posted, text: str) -> None:
        self.edits.append((posted, text))

    async def retract(self, posted: Posted) -> None:
        self.retracted.append(posted)

    async def apply(self, action: Action) -> None:
        if self._hang:
            await asyncio.Event().wait()
        queued = self.fail.get(str(action.kind))
        if queued:
            raise queued.pop(0)
        self.calls.append(action)
        if self._calls_file is not None:
            with self._calls_file.open("a", encoding="utf-8") as out:
                out.write(json.dumps({"key": action.key, "kind": str(action.kind)}) + "\n")
                out.flush()
                os.fsync(out.fileno())
