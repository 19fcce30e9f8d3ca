"""The playground: a local chat in the terminal, the embedded default of `modbot run`.

Type `alice: hello` to speak as alice (or just text, as `you`). `@bob` mentions bob and
`[attach: setup.exe]` attaches a file. `name: /warn @bob spam` runs a command,
`name: /report #3 spam` reports message #3, `name: /vote 2 delete` presses a button on
escalation #2, `name: /verify 1` answers the welcome gate, `+carol` makes carol join, and
`~ 2h` moves time forward (deadlines fall due). The playground behaves like a platform:
deleted messages are gone, and timed-out, banned or still-gated members cannot post.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
import threading
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import TextIO

from adapters.base import Core
from adapters.playground_world import PLATFORM, World
from bot.actions import Action, Decision, Posted, Reply, Response
from bot.config import PlaygroundConfig
from bot.events import Join, Message, Verification, Vote, utcnow
from rules.base import parse_duration

TRANSCRIPT = 300
_SPEAKER = re.compile(r"^\s*([A-Za-z0-9_.-]{1,32}):\s?(.*)$", re.DOTALL)


def describe_decision(decision: Decision | None) -> str:
    """One line for the transcript: `= warn  [profanity, repeats]`."""
    if decision is None:
        return "= allow (exempt)"
    hits = decision.hits
    rules = ", ".join(sorted({h.rule + (" (shadow)" if h.shadow else "") for h in hits}))
    return f"= {decision.label}" + (f"  [{rules}]" if rules else "")


class ShiftableClock:
    """The real clock, plus however far `~ 2h` lines moved the playground forward."""

    def __init__(self, base: Callable[[], datetime] = utcnow) -> None:
        self._base = base
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return self._base() + self.offset


class Playground:
    """A terminal chat standing in for a platform."""

    platform = PLATFORM

    def __init__(
        self,
        config: PlaygroundConfig,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        clock: ShiftableClock | None = None,
        echo: bool | None = None,
    ) -> None:
        self.config = config
        self._in = stdin or sys.stdin
        self._out = stdout or sys.stdout
        self.clock = clock or ShiftableClock()
        self._echo = (not self._in.isatty()) if echo is None else echo
        self.ready = asyncio.Event()
        # Message ids must never repeat across runs sharing one audit log: a repeated id reads
        # as a redelivery and is not judged again.
        self.world = World(config, self.clock, uuid.uuid4().hex[:12])
        self._held: list[str] | None = None
        self._turn = asyncio.Lock()
        self.transcript: deque[str] = deque(maxlen=TRANSCRIPT)
        """The latest lines shown, for the dashboard's playground."""
        self.last_message: Message | None = None
        """The message the latest line delivered, if it delivered one."""

    async def run(self, core: Core) -> None:
        self.ready.set()
        async for line in self._lines():
            await self.handle(core, line)

    async def handle(self, core: Core, line: str, *, echo: bool | None = None) -> list[str]:
        """Deliver one typed line to the core and print what happened; returns the lines
        shown for it, the line itself first. Lines from the terminal and from the dashboard's
        playground take turns in one world."""
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            return []
        async with self._turn:
            shown = f"> {line.strip()}"
            if self._echo if echo is None else echo:
                self._say(shown)
            else:
                self.transcript.append(shown)
            self._held = []
            self.last_message = None
            try:
                await self._dispatch(core, line.strip())
            finally:
                held, self._held = self._held, None
            for text in held:
                self._say(text)
            return [shown, *held]

    async def _dispatch(self, core: Core, line: str) -> None:
        if line.startswith("~"):
            span = parse_duration(line[1:].strip())
            self.clock.offset += span
            self._report(f"  (time moves on {line[1:].strip()}; now {self.clock():%H:%M} UTC)")
            await core.tick()
            return
        if line.startswith("+"):
            member = self.world.join(line[1:].strip())
            await core.on_join(Join(member, self.clock(), self.world.member_count, "general"))
            return
        found = _SPEAKER.match(line)
        name, body = (found.group(1), found.group(2)) if found else ("you", line)
        refused = self.world.refusal(name.lower())
        if body.startswith("/"):
            await self._command(core, name, body)
            return
        if refused:
            self._report(f"  ! {refused}; the message was not delivered")
            return
        msg = self.last_message = self.world.message(name, body)
        decision = await core.on_message(msg)
        self._held = [
            f"  {describe_decision(decision)}  (#{self.world.number(msg)})",
            *(self._held or []),
        ]

    async def _command(self, core: Core, name: str, body: str) -> None:
        try:
            words = shlex.split(body[1:])
        except ValueError:
            words = body[1:].split()
        command, rest = (words[0].lower(), words[1:]) if words else ("help", [])
        actor = self.world.member(name)
        now = self.clock()
        if command == "vote" and len(rest) >= 2 and rest[0].isdigit():
            response = await core.on_vote(Vote(int(rest[0]), rest[1], actor, now, self.world.bot))
        elif command == "verify":
            response = await core.on_verify(Verification(actor, f"gate:{(rest or ['ok'])[0]}", now))
        else:
            response = await core.on_command(self.world.invocation(actor, command, rest, now))
        self._response(name, response)

    def _response(self, name: str, response: Response) -> None:
        scope = f" (only {name} sees this)" if response.private else ""
        for number, line in enumerate(response.text.splitlines()):
            self._report(f"  modbot{scope}: {line}" if number == 0 else f"    {line}")

    async def apply(self, action: Action) -> None:
        """Show the action as the platform would, and keep its effect."""
        self._report(f"  - {self.world.apply(action)}")

    async def send(self, reply: Reply) -> Posted:
        posted = self.world.post(reply)
        where = f"[#{reply.channel_id}] " if reply.channel_id != "general" else ""
        to = f" to @{reply.mention_user_id}" if reply.mention_user_id else ""
        private = f" (only {reply.private_to} sees this)" if reply.private_to else ""
        pings = "".join(f" @{p}" for p in reply.ping)
        lines = reply.text.splitlines() or [""]
        self._report(f"  {where}modbot{to}{private}:{pings} {lines[0]}  (#{posted.message_id})")
        for extra in lines[1:]:
            self._report(f"    {extra}")
        if reply.buttons:
            self._report(
                "    " + " ".join(f"[{b.label} = {self._press(b.data)}]" for b in reply.buttons)
            )
        if reply.delete_after:
            self._report(f"    (removes itself after {reply.delete_after})")
        return posted

    @staticmethod
    def _press(data: str) -> str:
        kind, _, rest = data.partition(":")
        if kind == "esc":
            number, _, verdict = rest.partition(":")
            return f"/vote {number} {verdict}"
        return f"/verify {rest}"

    async def edit(self, posted: Posted, text: str) -> None:
        first, *more = text.splitlines() or [""]
        self._report(f"  [#{posted.channel_id}] modbot edited #{posted.message_id}: {first}")
        for extra in more:
            self._report(f"    {extra}")

    async def retract(self, posted: Posted) -> None:
        self._report(f"  (modbot removed its message #{posted.message_id})")

    def _report(self, text: str) -> None:
        if self._held is not None:
            self._held.append(text)
        else:
            self._say(text)

    def _say(self, text: str) -> None:
        self.transcript.append(text)
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
