"""Faults the fake injects and how the real discord.py lives through them."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import discord
import pytest

from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.faults import (
    cloudflare_limited,
    global_limited,
    route_limited,
    server_error,
    slow,
)
from tests.platforms.discord.harness import (
    FastBot,
    collect,
    keep_alive_threads,
    next_of,
    running,
)

pytestmark = pytest.mark.filterwarnings("error")
MESSAGES = "/channels/{}/messages"


async def test_a_route_429_is_waited_out_and_the_message_is_sent_once(
    fake_discord: FakeDiscord,
) -> None:
    fake_discord.inject("POST", MESSAGES, route_limited(0.2))
    async with running(FastBot(), fake_discord) as bot:
        started = time.monotonic()
        await bot.get_channel(fake_discord.channel("general").id).send("hello")
        elapsed = time.monotonic() - started
    assert [c.status for c in fake_discord.calls_to("POST", MESSAGES)] == [429, 200]
    assert len(fake_discord.bot_messages()) == 1 and 0.2 <= elapsed < 1.0


async def test_a_global_429_holds_every_route_until_it_ends(fake_discord: FakeDiscord) -> None:
    fake_discord.inject("POST", MESSAGES, global_limited(0.5))
    async with running(FastBot(), fake_discord) as bot:
        guild = bot.get_guild(fake_discord.world.guild.id)
        send = asyncio.create_task(guild.get_channel(fake_discord.channel("general").id).send("x"))
        await fake_discord.wait_for_call("POST", MESSAGES)
        await asyncio.sleep(0.1)
        started = time.monotonic()
        member = await guild.fetch_member(fake_discord.member("alice").id)
        held = time.monotonic() - started
        await send
    assert member.name == "alice" and 0.25 <= held < 1.0
    (limited, sent) = fake_discord.calls_to("POST", MESSAGES)
    assert limited.status == 429 and sent.status == 200


async def test_a_429_without_via_is_a_cloudflare_ban_and_not_retried(
    fake_discord: FakeDiscord,
) -> None:
    fake_discord.inject("POST", MESSAGES, cloudflare_limited())
    async with running(FastBot(), fake_discord) as bot:
        with pytest.raises(discord.HTTPException) as banned:
            await bot.get_channel(fake_discord.channel("general").id).send("hello")
    assert banned.value.status == 429 and len(fake_discord.calls_to("POST", MESSAGES)) == 1


async def test_a_503_surfaces_at_once_and_a_retried_500_does_not_double(
    fake_discord: FakeDiscord,
) -> None:
    lost_answer = server_error(500, processed=True)
    fake_discord.inject("POST", MESSAGES, server_error(503), lost_answer)
    async with running(FastBot(), fake_discord) as bot:
        channel = bot.get_channel(fake_discord.channel("general").id)
        with pytest.raises(discord.DiscordServerError):
            await channel.send("first")
        await channel.send("second")
    posts = fake_discord.calls_to("POST", MESSAGES)
    assert [c.status for c in posts] == [503, 500, 200]
    assert posts[1].json["nonce"] == posts[2].json["nonce"] and posts[2].json["enforce_nonce"]
    assert [m["content"] for m in fake_discord.bot_messages()] == ["second"]
    assert len(fake_discord.gateway.connections) == 1, "an idle second must not reconnect"


async def test_buckets_are_announced_and_enforced(fake_discord: FakeDiscord) -> None:
    fake_discord.rest.limit("POST", MESSAGES, 2, 0.3)
    fake_discord.inject("GET", "/channels/{}", slow(0.2))
    channel_id = fake_discord.channel("general").id
    async with running(FastBot(), fake_discord) as bot:
        started = time.monotonic()
        await bot.fetch_channel(channel_id)
        assert time.monotonic() - started >= 0.2
        for text in ("one", "two", "three"):
            await bot.get_channel(channel_id).send(text)
    assert {c.status for c in fake_discord.calls_to("POST", MESSAGES)} == {200}
    headers = {"Authorization": f"Bot {fake_discord.world.token}"}
    url = f"{fake_discord.api_base}/channels/{fake_discord.channel('welcome').id}/messages"
    async with aiohttp.ClientSession(headers=headers) as careless:
        answers = [await careless.post(url, json={"content": str(i)}) for i in range(3)]
    assert [a.status for a in answers] == [200, 200, 429]
    assert answers[1].headers["X-RateLimit-Remaining"] == "0"
    assert answers[2].headers["Via"] and (await answers[2].json())["retry_after"] < 0.3


async def test_reconnect_resumes_and_replays_what_was_missed(fake_discord: FakeDiscord) -> None:
    bot = FastBot()
    resumed, messages = collect(bot, "resumed"), collect(bot, "message")
    async with running(bot, fake_discord):
        start = len(fake_discord.gateway.received)
        await fake_discord.gateway.reconnect()
        await fake_discord.post("alice", "while reconnecting")
        resume = await fake_discord.gateway.wait_for_op(6, start)
        assert resume["d"]["session_id"] in fake_discord.gateway.sessions
        await next_of(resumed)
        await fake_discord.post("alice", "after")
        texts = [(await next_of(messages)).content for _ in range(2)]
        await asyncio.sleep(0.05)
        assert texts == ["while reconnecting", "after"] and messages.empty()


@pytest.mark.parametrize("resumable", [True, False])
async def test_invalid_session_is_survived(fake_discord: FakeDiscord, resumable: bool) -> None:
    bot = FastBot()
    ready, messages = collect(bot, "ready"), collect(bot, "message")
    async with running(bot, fake_discord):
        await next_of(ready)
        start = len(fake_discord.gateway.received)
        await fake_discord.gateway.invalidate(resumable=resumable)
        await fake_discord.gateway.wait_for_op(6 if resumable else 2, start)
        if not resumable:
            await next_of(ready)
        await fake_discord.post("alice", "still here")
        assert (await next_of(messages)).content == "still here"


@pytest.mark.parametrize("code", [4000, None], ids=["close-4000", "tcp-cut"])
async def test_a_dropped_socket_is_resumed(fake_discord: FakeDiscord, code: int | None) -> None:
    bot = FastBot()
    resumed, messages = collect(bot, "resumed"), collect(bot, "message")
    async with running(bot, fake_discord):
        await fake_discord.gateway.drop(code)
        await fake_discord.post("alice", "during the drop")
        await next_of(resumed)
        assert (await next_of(messages)).content == "during the drop"


async def test_a_fatal_close_code_ends_the_client(fake_discord: FakeDiscord) -> None:
    bot = FastBot()
    disconnects = collect(bot, "disconnect")
    with pytest.raises(discord.ConnectionClosed) as closed:
        async with running(bot, fake_discord):
            await fake_discord.gateway.drop(4004)
            await next_of(disconnects)
    assert closed.value.code == 4004 and bot.is_closed()


async def test_a_failed_resume_falls_back_to_identify(fake_discord: FakeDiscord) -> None:
    bot = FastBot()
    ready = collect(bot, "ready")
    async with running(bot, fake_discord):
        await next_of(ready)
        start = len(fake_discord.gateway.received)
        fake_discord.gateway.fail_next_resume = True
        await fake_discord.gateway.drop(4000)
        await next_of(ready)
        ops = [f["op"] for f in fake_discord.gateway.received[start:] if f["op"] != 1]
        assert ops == [6, 2]


async def test_a_silent_gateway_is_detected_and_resumed(fake_discord: FakeDiscord) -> None:
    fake_discord.gateway.heartbeat_interval_ms = 100
    bot = FastBot(heartbeat_timeout=0.4)
    resumed = collect(bot, "resumed")
    async with running(bot, fake_discord):
        fake_discord.gateway.go_silent()
        started = time.monotonic()
        await next_of(resumed)
        assert 0.25 <= time.monotonic() - started < 1.5


async def test_interaction_tokens_expire_and_answer_once(fake_discord: FakeDiscord) -> None:
    bot = FastBot()
    failures: asyncio.Queue[int] = asyncio.Queue()

    @bot.tree.command(name="ping", description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("pong")
        except discord.NotFound as error:
            failures.put_nowait(error.code)

    async with running(bot, fake_discord):
        await bot.tree.sync()
        fake_discord.interactions.ack_deadline = 0.0
        await fake_discord.slash("alice", "ping")
        assert await next_of(failures) == 10062
    fake_discord.interactions.ack_deadline = 3.0
    ix = await fake_discord.slash("alice", "ping")
    url = f"{fake_discord.api_base}/interactions/{ix.id}/{ix.token}/callback?with_response=1"
    async with aiohttp.ClientSession() as session:
        body = {"type": 4, "data": {"content": "pong"}}
        answers = [await session.post(url, json=body) for _ in range(2)]
        assert [a.status for a in answers] == [200, 400]
        assert (await answers[1].json())["code"] == 40060


async def test_a_closed_client_leaves_no_thread_or_socket(fake_discord: FakeDiscord) -> None:
    async with running(FastBot(), fake_discord):
        assert keep_alive_threads()
    assert keep_alive_threads() == []
    assert all(c.ws.closed for c in fake_discord.gateway.connections)


async def test_the_fake_stops_by_itself() -> None:
    fake = FakeDiscord(lifetime=0.1)
    await fake.start()
    await asyncio.sleep(0.3)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(f"{fake.api_base}/gateway")
