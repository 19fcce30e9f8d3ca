"""A fake Discord on 127.0.0.1 (REST + gateway on one random port) and the test's hands in it.

The world (`World.default()`): "Test Guild" with roles @everyone < Member < Moderator < modbot
(the bot's managed role) < Admin; members owner and admin (Admin), mod, alice, bob, the bot;
channels general, welcome, rules and mod-log (moderators and the bot only). Members, channels
and roles may be given by name everywhere.

Acting as people (each sends what Discord would, over the gateway):
    message = await fake.post("alice", "hi <@id>", embeds=[...], reply_to=other)  # MESSAGE_CREATE
    await fake.edit(message, "edited")                          # MESSAGE_UPDATE
    carol = await fake.join("carol", age=timedelta(days=1))     # GUILD_MEMBER_ADD, young account
    await fake.ban_by_hand("mod", "bob", "raid")                # as in Discord's UI, audit by mod
    ix = await fake.slash("mod", "timeout", who=fake.member("bob"), minutes=5)
    ix = await fake.context_menu("alice", "Report message", message)
    ix = await fake.press("mod", fake.bot_messages("mod-log")[-1], "esc:1:ban")
    ix = await fake.submit_modal("dave", ix, answer="4")      # values by custom_id
    answer = await ix.response()        # the callback body; ix.followup(0), ix.texts()

Reading what the bot did: `fake.calls` (every request: method, path, query, headers, json,
files, status), `calls_to("PATCH", "/guilds/{}/members/{}")`, `await wait_for_call(...)`,
`bot_messages(channel)`, `exists(message)`, `pings(message)` (what really pinged), `world`.

Faults: `inject(method, template, *faults)` queues `faults.route_limited`, `global_limited`,
`cloudflare_limited`, `server_error(status, processed=...)`, `slow`, `api_error` per route;
`rest.limit(...)` tightens a bucket; `interactions.ack_deadline` is the 3 s answer window;
`gateway.reconnect()`, `invalidate(resumable)`, `drop(code or None)`, `go_silent()` and
`fail_next_resume` act on the live gateway connection. `gaps` lists routes the fake does not
serve. The server stops by itself after `lifetime` seconds.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.platforms.discord import rest_app, rest_guilds, rest_messages
from tests.platforms.discord.effects import Effects
from tests.platforms.discord.fake_gateway import Gateway
from tests.platforms.discord.fake_rest import Call, Fault, Rest
from tests.platforms.discord.interaction_payloads import Builder
from tests.platforms.discord.interactions import Interaction
from tests.platforms.discord.mentions import pings
from tests.platforms.discord.world import (
    SEND_MESSAGES,
    Channel,
    Member,
    Role,
    User,
    World,
    snowflake,
)

Who = str | Member
Where = str | Channel


class FakeDiscord:
    def __init__(self, world: World | None = None, *, lifetime: float = 60.0) -> None:
        self.world = world or World.default()
        self.gateway = Gateway(self.world)
        self.rest = Rest(self.world)
        self.effects = Effects(self.world, self.gateway)
        self.interactions = Builder(self.world)
        rest_app.install(self.rest, self.effects, self.interactions, lambda: self.gateway_url)
        rest_messages.install(self.rest, self.effects)
        rest_guilds.install(self.rest, self.effects)
        self.lifetime = lifetime
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._timer: asyncio.TimerHandle | None = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        app = web.Application()
        self.gateway.install(app)
        self.rest.install(app)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.gateway.base_url = f"ws://127.0.0.1:{self.port}"
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(self.lifetime, lambda: loop.create_task(self.stop()))

    async def stop(self) -> None:
        """Close every gateway socket and the server; idempotent."""
        if self._timer is not None:
            self._timer.cancel()
        runner, self._runner = self._runner, None
        if runner is not None:
            await self.gateway.close_all()
            await runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway/"

    # The record and the faults.

    @property
    def calls(self) -> list[Call]:
        return self.rest.calls

    @property
    def gaps(self) -> list[str]:
        return self.rest.gaps

    def inject(self, method: str, template: str, *faults: Fault) -> None:
        self.rest.inject(method, template, *faults)

    def calls_to(self, method: str, path: str, start: int = 0) -> list[Call]:
        return self.rest.matching(method, path, start)

    async def wait_for_call(
        self,
        method: str,
        path: str,
        start: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Call:
        return await self.rest.wait_for_call(method, path, start, timeout)

    # Lookups.

    def member(self, who: Who) -> Member:
        return who if isinstance(who, Member) else self.world.member(who)

    def channel(self, where: Where) -> Channel:
        return where if isinstance(where, Channel) else self.world.channel(where)

    def role(self, name: str) -> Role:
        return self.world.role(name)

    def bot_messages(self, where: Where | None = None) -> list[dict[str, Any]]:
        """Non-ephemeral messages the bot sent that still exist, oldest first."""
        channel_id = str(self.channel(where).id) if where is not None else None
        return [
            m
            for m in self.world.messages.values()
            if m["author"]["id"] == str(self.world.bot.id)
            and (channel_id is None or m["channel_id"] == channel_id)
            and not m["flags"] & 64
        ]

    def exists(self, message: dict[str, Any]) -> bool:
        return int(message["id"]) in self.world.messages

    def pings(self, message: dict[str, Any]) -> dict[str, Any]:
        """What `message` really pinged (see `mentions.pings`)."""
        return pings(message)

    # Acting as members and moderators.

    async def post(
        self,
        who: Who,
        content: str = "",
        *,
        channel: Where = "general",
        embeds: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        poll: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A member posts; refused, as in their client, when they may not send or are timed out."""
        member, where = self.member(who), self.channel(channel)
        if not self.world.guild.permissions_in(member, where) & SEND_MESSAGES:
            raise AssertionError(f"{member.user.username} cannot send in #{where.name}")
        body: dict[str, Any] = {"content": content, "embeds": embeds, "attachments": attachments}
        body["poll"] = poll
        if reply_to is not None:
            reference = {"message_id": reply_to["id"], "channel_id": reply_to["channel_id"]}
            body["message_reference"] = {**reference, "type": 0}
        message = self.effects.post(where, member.user, body)
        await asyncio.sleep(0)
        return message

    async def post_as_webhook(self, name: str, content: str, *, channel: Where = "general") -> Any:
        """A webhook message: `webhook_id` set, a bot-flagged author, no member."""
        hook = User(snowflake(), name, bot=True)
        self.world.users[hook.id] = hook
        body = {"content": content, "webhook_id": str(snowflake())}
        return self.effects.post(self.channel(channel), hook, body)

    async def post_system(self, who: Who, kind: int = 7, *, channel: Where = "general") -> Any:
        """A system message (7: "joined the server") authored by `who`."""
        return self.effects.post(self.channel(channel), self.member(who).user, {}, kind=kind)

    async def edit(self, message: dict[str, Any], content: str, **changes: Any) -> dict[str, Any]:
        """The author edits their message (MESSAGE_UPDATE)."""
        edited = self.effects.edit(message, {"content": content, **changes})
        await asyncio.sleep(0)
        return edited

    async def join(self, username: str, *, age: timedelta = timedelta(days=365)) -> Member:
        """A new account of `age` joins the guild (GUILD_MEMBER_ADD)."""
        member = self.effects.join(self.world.guild, self.world.add_user(username, age=age))
        await asyncio.sleep(0)
        return member

    async def leave(self, who: Who) -> None:
        self.effects.remove(self.world.guild, self.member(who))

    async def ban_by_hand(self, moderator: Who, target: Who, reason: str | None = None) -> None:
        """A moderator bans in Discord's own UI: ban events plus an audit entry by them."""
        guild, actor = self.world.guild, self.member(moderator)
        self.effects.ban(guild, actor, self.member(target).user, reason, 0)

    async def timeout_by_hand(
        self, moderator: Who, target: Who, duration: timedelta, reason: str | None = None
    ) -> None:
        until = datetime.now(UTC) + duration
        guild = self.world.guild
        self.effects.timeout(guild, self.member(moderator), self.member(target), until, reason)

    async def slash(
        self,
        who: Who,
        name: str,
        /,
        options: dict[str, Any] | None = None,
        *,
        channel: Where = "general",
        strict: bool = True,
        **more: Any,
    ) -> Interaction:
        """Run `/name` (or "group sub"); options by keyword, or in `options` when a name clashes.

        Member, Role and Channel values become typed options with `resolved` data.
        """
        chosen = {**(options or {}), **more}
        built = self.interactions.slash(
            self.member(who), name, self.channel(channel), chosen, strict
        )
        return self._send(built)

    async def context_menu(
        self, who: Who, name: str, target: dict[str, Any] | Member, *, strict: bool = True
    ) -> Interaction:
        """A message menu on `target` (a message) or a user menu on a member."""
        if isinstance(target, Member):
            channel = self.channel("general")
        else:
            channel = self.world.find_channel(int(target["channel_id"]))
        built = self.interactions.context_menu(self.member(who), name, channel, target, strict)
        return self._send(built)

    async def press(self, who: Who, message: dict[str, Any], custom_id: str) -> Interaction:
        """Press the button `custom_id` on `message` (as it is now, after any edits)."""
        current = self.world.messages.get(int(message["id"]), message)
        return self._send(self.interactions.component(self.member(who), current, custom_id, None))

    async def select(
        self, who: Who, message: dict[str, Any], custom_id: str, values: list[str]
    ) -> Interaction:
        current = self.world.messages.get(int(message["id"]), message)
        built = self.interactions.component(self.member(who), current, custom_id, values)
        return self._send(built)

    async def submit_modal(self, who: Who, opened_by: Interaction, /, **values: Any) -> Interaction:
        built = self.interactions.modal_submit(self.member(who), opened_by, values)
        return self._send(built)

    def _send(self, interaction: Interaction) -> Interaction:
        self.gateway.broadcast("INTERACTION_CREATE", interaction.payload)
        return interaction
