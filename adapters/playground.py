"""The playground: a local chat in the terminal, the embedded default of `modbot run`.

Type `alice: hello` to speak as alice (or just text, as `you`). `@bob` mentions bob and
`[attach: setup.exe]` attaches a file. The playground behaves like a platform: deleted
messages are gone, and timed-out or banned members cannot post. It reads a script from
stdin just as well, so a whole conversation can be replayed and tested.
"""

from __future__ import annotations

import asyncio
import re
import sys
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import TextIO

from adapters.base import Core
from bot.actions import Action, ActionKind, Decision
from bot.config import PlaygroundConfig
from bot.events import Attachment, Member, Message, utcnow

PLATFORM = "playground"
CHANNEL = "general"
_SPEAKER = re.compile(r"^\s*([A-Za-z0-9_.-]{1,32}):\s?(.*)$", re.DOTALL)
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{1,32})")
_ATTACH = re.compile(r"\[attach:\s*([^\]\n]{1,120})\]")
_KINDS = {
    "image": (".png", ".jpg", ".jpeg", ".gif", ".webp"),
    "video": (".mp4", ".mov", ".webm", ".mkv"),
    "audio": (".mp3", ".ogg", ".wav", ".m4a"),
}
_OLD_ACCOUNT = datetime(2020, 1, 1, tzinfo=UTC)
_OLD_MEMBER = datetime(2024, 1, 1, tzinfo=UTC)


def _kind(filename: str) -> str:
    lower = filename.lower()
    return next((k for k, exts in _KINDS.items() if lower.endswith(exts)), "file")


def describe_decision(decision: Decision | None) -> str:
    """One line for the transcript: `= warn  [profanity, repeats]`."""
    if decision is None:
        return "= allow (exempt)"
    rules = ", ".join(sorted({h.rule + (" (shadow)" if h.shadow else "") for h in decision.hits}))
    return f"= {decision.label}" + (f"  [{rules}]" if rules else "")


class Playground:
    """A terminal chat standing in for a platform."""

    platform = PLATFORM

    def __init__(
        self,
        config: PlaygroundConfig,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        clock: Callable[[], datetime] = utcnow,
        echo: bool | None = None,
    ) -> None:
        self.config = config
        self._in = stdin or sys.stdin
        self._out = stdout or sys.stdout
        self._clock = clock
        self._echo = (not self._in.isatty()) if echo is None else echo
        self.ready = asyncio.Event()
        self._next_id = 0
        # Message ids must never repeat across runs sharing one audit log: a repeated id reads
        # as a redelivery and is not judged again.
        self._session = uuid.uuid4().hex[:12]
        self._timeouts: dict[str, datetime] = {}
        self._banned: set[str] = set()
        self._joined: dict[str, datetime] = {}
        self._held: list[str] | None = None

    async def run(self, core: Core) -> None:
        self.ready.set()
        async for line in self._lines():
            await self.handle(core, line)

    async def handle(self, core: Core, line: str) -> None:
        """Deliver one typed line to the core and print what happened."""
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            return
        found = _SPEAKER.match(line)
        name, body = (found.group(1), found.group(2)) if found else ("you", line)
        if self._echo:
            self._say(f"> {name}: {body}")
        refused = self._refusal(name.lower())
        if refused:
            self._say(f"  ! {refused}; the message was not delivered")
            return
        self._held = []
        try:
            decision = await core.on_message(self._message(name, body))
        finally:
            held, self._held = self._held, None
        self._say(f"  {describe_decision(decision)}")
        for text in held:
            self._say(text)

    async def apply(self, action: Action) -> None:
        """Show the action as the platform would, and keep its effect (timeouts, bans)."""
        who = action.user_id
        if action.kind is ActionKind.DELETE:
            self._report(f"  - message from {who} deleted")
        elif action.kind is ActionKind.WARN:
            self._report(f"  - modbot to @{who}: {action.reason}")
        elif action.kind is ActionKind.TIMEOUT and action.until is not None:
            self._timeouts[who] = action.until
            self._report(f"  - {who} timed out until {action.until:%H:%M:%S} UTC")
        elif action.kind is ActionKind.KICK:
            self._joined.pop(who, None)
            self._report(f"  - {who} kicked")
        elif action.kind is ActionKind.BAN:
            self._banned.add(who)
            self._report(f"  - {who} banned")

    def _refusal(self, user_id: str) -> str | None:
        if user_id in self._banned:
            return f"{user_id} is banned"
        until = self._timeouts.get(user_id)
        if until is not None and until > self._clock():
            return f"{user_id} is timed out until {until:%H:%M:%S} UTC"
        return None

    def _message(self, name: str, body: str) -> Message:
        now = self._clock()
        user_id = name.lower()
        newcomer = user_id in self.config.newcomers
        joined = self._joined.setdefault(
            user_id, now - timedelta(minutes=1) if newcomer else _OLD_MEMBER
        )
        author = Member(
            platform=PLATFORM,
            community_id=self.config.community,
            user_id=user_id,
            name=name,
            is_moderator=user_id in self.config.moderators,
            joined_at=joined,
            account_created_at=now - timedelta(minutes=1) if newcomer else _OLD_ACCOUNT,
        )
        self._next_id += 1
        mentioned = [m.lower() for m in _MENTION.findall(body)]
        return Message(
            platform=PLATFORM,
            community_id=self.config.community,
            channel_id=CHANNEL,
            message_id=f"{self._session}-{self._next_id}",
            author=author,
            text=_ATTACH.sub("", body).strip() if _ATTACH.search(body) else body,
            sent_at=now,
            mentions=tuple(dict.fromkeys(m for m in mentioned if m not in ("everyone", "here"))),
            mentions_everyone="everyone" in mentioned or "here" in mentioned,
            attachments=tuple(
                Attachment(f.strip(), _kind(f.strip())) for f in _ATTACH.findall(body)
            ),
        )

    def _report(self, text: str) -> None:
        if self._held is not None:
            self._held.append(text)
        else:
            self._say(text)

    def _say(self, text: str) -> None:
        self._out.write(text.encode("utf-8", "replace").decode("utf-8") + "\n")
        self._out.flush()

    async def _lines(self) -> AsyncIterator[str]:
        """Lines from the input as they arrive. A daemon thread reads, so a terminal waiting
        for input never keeps the process from exiting."""
        if self._in.isatty():
            self._say("modbot playground: type `name: message` (Ctrl-D to quit)")
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def pump() -> None:
            try:
                for line in self._in:
                    loop.call_soon_threadsafe(queue.put_nowait, line)
                loop.call_soon_threadsafe(queue.put_nowait, None)
            except (RuntimeError, ValueError, OSError):
                return  # the loop closed or the input went away: nothing left to deliver

        threading.Thread(target=pump, name="playground-input", daemon=True).start()
        while (line := await queue.get()) is not None:
            yield line
