"""The fake gateway: HELLO, IDENTIFY→READY→GUILD_CREATE, heartbeats, RESUME, intents, faults.

Every dispatch is numbered per session and kept, so a RESUME replays what the client missed
(nothing is lost while it reconnects). Intents are honoured: member events need GUILD_MEMBERS,
bans and audit entries GUILD_MODERATION (and the bot's View Audit Log), messages GUILD_MESSAGES;
without MESSAGE_CONTENT, content, embeds, attachments, components and polls are blanked unless the
bot wrote or is mentioned in the message. Faults act on the live connection: `reconnect()` (op 7),
`invalidate(resumable)` (op 9), `drop(code)`, `go_silent()` (no frames, not even ACKs) and
`fail_next_resume`. `received` holds every frame the client sent.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.platforms.discord import payloads
from tests.platforms.discord.world import VIEW_AUDIT_LOG, World

GUILDS, GUILD_MEMBERS, GUILD_MODERATION, PRESENCES = 1 << 0, 1 << 1, 1 << 2, 1 << 8
GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT = 1 << 9, 1 << 12, 1 << 15
PRIVILEGED = GUILD_MEMBERS | PRESENCES | MESSAGE_CONTENT
ALL_INTENTS = (1 << 26) - 1
EVENT_INTENTS = {
    "GUILD_CREATE": GUILDS,
    "GUILD_MEMBER_ADD": GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": GUILD_MEMBERS,
    "GUILD_BAN_ADD": GUILD_MODERATION,
    "GUILD_BAN_REMOVE": GUILD_MODERATION,
    "GUILD_AUDIT_LOG_ENTRY_CREATE": GUILD_MODERATION,
}
MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"}
CONTENT_KEYS = ("content", "embeds", "attachments", "components")


@dataclass
class Session:
    id: str
    intents: int
    shard: tuple[int, int] = (0, 1)
    """(shard id, shard count): the session hears the guilds `(id >> 22) % count == shard`,
    and direct messages on shard 0, as Discord routes them."""
    frames: list[str] = field(default_factory=list)
    connection: Connection | None = None


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    request: web.Request
    query: dict[str, str]
    session: Session | None = None
    cursor: int = 0
    silent: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class Gateway:
    """Serves every gateway path (the first URL, `/resume/`, whatever the client reuses)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.base_url = ""
        self.heartbeat_interval_ms = 41250
        self.fail_next_resume = False
        self.sessions: dict[str, Session] = {}
        self.every_session: list[Session] = []
        self.connections: list[Connection] = []
        self.crashes: list[str] = []
        self.received: list[dict[str, Any]] = []
        self._changed = asyncio.Event()

    def install(self, app: web.Application) -> None:
        app.router.add_get("/{kind:(gateway|resume)}{tail:.*}", self.handle)

    def broadcast(self, event: str, data: dict[str, Any]) -> None:
        """Dispatch `event` to every session whose intents (and content rules) allow it."""
        for session in list(self.sessions.values()):
            visible = self._visible(session, event, data)
            if visible is not None:
                self.dispatch(session, event, visible)

    def dispatch(self, session: Session, event: str, data: dict[str, Any]) -> None:
        seq = len(session.frames) + 1
        session.frames.append(json.dumps({"op": 0, "t": event, "s": seq, "d": data}))
        if session.connection is not None:
            session.connection.wake.set()

    def sent(self, event: str) -> list[dict[str, Any]]:
        """Every dispatch of type `event` in any session, oldest first."""
        found = []
        for session in self.every_session:
            for text in session.frames:
                frame = json.loads(text)
                if frame["t"] == event:
                    found.append(frame["d"])
        return found

    async def wait_for_op(
        self,
        op: int,
        start: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The first frame with `op` the client sent at or after index `start` of `received`."""
        async with asyncio.timeout(timeout):
            while True:
                for frame in self.received[start:]:
                    if frame.get("op") == op:
                        return frame
                await self._changed.wait()

    def live(self) -> Connection:
        for conn in reversed(self.connections):
            if conn.session is not None and not conn.ws.closed:
                return conn
        raise AssertionError("no identified gateway connection")

    async def reconnect(self) -> None:
        await self._send(self.live(), {"op": 7, "d": None, "s": None, "t": None})

    async def invalidate(self, resumable: bool) -> None:
        conn = self.live()
        if not resumable and conn.session is not None:
            self.sessions.pop(conn.session.id, None)
        await self._send(conn, {"op": 9, "d": resumable, "s": None, "t": None})

    async def drop(self, code: int | None = 4000) -> None:
        """Close the live socket with `code`, or cut the TCP connection when `code` is None."""
        conn = self.live()
        if code is None and conn.request.transport is not None:
            conn.request.transport.abort()
        else:
            await conn.ws.close(code=code or 4000, message=b"fake drop")

    def go_silent(self) -> None:
        self.live().silent = True

    async def close_all(self) -> None:
        for conn in self.connections:
            if not conn.ws.closed:
                await conn.ws.close(code=1001, message=b"fake stopping")

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request, dict(request.query))
        self.connections.append(conn)
        writer = asyncio.create_task(self._write(conn))
        client_code = None
        hello = {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["fake-gateway"]}
        await self._send(conn, {"op": 10, "d": hello, "s": None, "t": None})
        try:
            if conn.query.get("v") != "10" or conn.query.get("encoding") != "json":
                await ws.close(code=4012, message=b"Invalid API version")
            while True:
                message = await ws.receive()
                if message.type == WSMsgType.CLOSE:
                    client_code = message.data
                if message.type != WSMsgType.TEXT:
                    break
                frame = json.loads(message.data)
                self.received.append(frame)
                self._notify()
                try:
                    await self._on_frame(conn, frame)
                except Exception as error:
                    self.crashes.append(f"op {frame.get('op')}: {error!r}")
                    raise
        finally:
            writer.cancel()
            session = conn.session
            if session is not None and session.connection is conn:
                session.connection = None
                if client_code in (1000, 1001):  # Discord ends a session closed this way
                    self.sessions.pop(session.id, None)
            self._notify()
        return ws

    async def _on_frame(self, conn: Connection, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == 1:
            await self._send(conn, {"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, data or {})
        elif op == 6:
            await self._resume(conn, data or {})
        elif conn.session is None:
            await conn.ws.close(code=4003, message=b"Not authenticated")
        elif op == 8:
            self._chunk(conn.session, data or {})
        elif op not in (3, 4):
            await conn.ws.close(code=4001, message=b"Unknown opcode")

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        intents = data.get("intents")
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated")
        elif data.get("token") != self.world.token:
            await conn.ws.close(code=4004, message=b"Authentication failed")
        elif not isinstance(intents, int) or intents & ~ALL_INTENTS:
            await conn.ws.close(code=4013, message=b"Invalid intent(s)")
        elif intents & PRIVILEGED & ~self.world.enabled_intents:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s)")
        elif (shard := _shard(data.get("shard", [0, 1]))) is None:
            await conn.ws.close(code=4010, message=b"Invalid shard")
        else:
            session = Session(uuid.uuid4().hex, intents, shard, connection=conn)
            self.sessions[session.id] = session
            self.every_session.append(session)
            conn.session, conn.cursor = session, 0
            resume_url = f"{self.base_url}/resume/"
            owned = [g for g in self.world.guilds.values() if _owns(session, g.id)]
            ready = payloads.ready(self.world, session.id, resume_url, data.get("shard"), owned)
            self.dispatch(session, "READY", ready)
            for guild in owned:
                everyone = bool(intents & GUILD_MEMBERS)
                guild_data = payloads.guild_create(self.world, guild, all_members=everyone)
                self.dispatch(session, "GUILD_CREATE", guild_data)

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if data.get("token") != self.world.token:
            await conn.ws.close(code=4004, message=b"Authentication failed")
        elif session is None or self.fail_next_resume:
            self.fail_next_resume = False
            await self._send(conn, {"op": 9, "d": False, "s": None, "t": None})
        elif (data.get("seq") or 0) > len(session.frames):
            await conn.ws.close(code=4007, message=b"Invalid seq")
        else:
            old = session.connection
            session.connection, conn.session, conn.cursor = conn, session, data.get("seq") or 0
            if old is not None and old is not conn and not old.ws.closed:
                await old.ws.close(code=4000, message=b"Session resumed elsewhere")
            self.dispatch(session, "RESUMED", {"_trace": ["fake-gateway"]})

    def _chunk(self, session: Session, request: dict[str, Any]) -> None:
        guild = self.world.guilds.get(int(request.get("guild_id", 0)))
        if guild is not None:
            self.dispatch(session, "GUILD_MEMBERS_CHUNK", payloads.members_chunk(guild, request))

    def _visible(self, session: Session, event: str, data: dict[str, Any]) -> dict[str, Any] | None:
        guild_id = data.get("guild_id")
        if not _owns(session, int(guild_id) if guild_id else None):
            return None
        needed = EVENT_INTENTS.get(event, 0)
        if event in MESSAGE_EVENTS:
            needed = GUILD_MESSAGES if data.get("guild_id") else DIRECT_MESSAGES
        if needed and not session.intents & needed:
            return None
        if event == "GUILD_AUDIT_LOG_ENTRY_CREATE":
            guild = self.world.guilds[int(data["guild_id"])]
            if not guild.base_permissions(self.world.bot_member(guild)) & VIEW_AUDIT_LOG:
                return None
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and not session.intents & MESSAGE_CONTENT:
            bot_id = str(self.world.bot.id)
            mentioned = any(u["id"] == bot_id for u in data.get("mentions", []))
            if data.get("guild_id") and data["author"]["id"] != bot_id and not mentioned:
                data = {**data, "content": "", "embeds": [], "attachments": [], "components": []}
                data.pop("poll", None)
        return data

    async def _write(self, conn: Connection) -> None:
        while True:
            await conn.wake.wait()
            conn.wake.clear()
            session = conn.session
            while session is not None and conn.cursor < len(session.frames) and not conn.silent:
                conn.cursor += 1
                if conn.ws.closed:
                    return
                await conn.ws.send_str(session.frames[conn.cursor - 1])

    async def _send(self, conn: Connection, frame: dict[str, Any]) -> None:
        if not conn.silent and not conn.ws.closed:
            await conn.ws.send_str(json.dumps(frame))

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()


def _shard(value: Any) -> tuple[int, int] | None:
    """IDENTIFY's `shard`, [id, count], if it is one Discord accepts."""
    if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)):
        return None
    shard, count = value
    return (shard, count) if 0 <= shard < count else None


def _owns(session: Session, guild_id: int | None) -> bool:
    shard, count = session.shard
    return shard == 0 if guild_id is None else (guild_id >> 22) % count == shard
