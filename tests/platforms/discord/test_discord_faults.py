"""Discord failing under the bot: rate limits, server errors, lost answers, Cloudflare.

Whatever Discord does, no action is lost or applied twice, and after a reconcile nothing is
left pending. Retry-after values are sub-second and at most one 5xx is queued per route
(discord.py sleeps 1 s before retrying one), so the whole file runs in seconds.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from tests.platforms.discord.bot_harness import Discord, discord_bot
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.faults import (
    Fault,
    cloudflare_limited,
    global_limited,
    route_limited,
    server_error,
)
from tests.platforms.discord.no_pings import check_no_mass_pings
from tests.platforms.discord.story import populate

OUTCOMES = {"slurs": {"delete": True, "sanction": "warn"}}
MESSAGES, MESSAGE = "/channels/{}/messages", "/channels/{}/messages/{}"
MEMBER = "/guilds/{}/members/{}"


async def story(dc: Discord, midway: Callable[[], Awaitable[None]] | None = None) -> list[str]:
    """Three slurs (the third times out), an @everyone attempt, and a grey-band message a
    moderator decides; `midway` happens after the first slur, and the next two are posted
    at once (during a gateway outage, they reach the bot when it resumes). Returns the ids
    of the messages that must end up deleted."""
    fake = dc.fake
    gone = [(await fake.post("bob", "you faggot"))["id"]]
    await dc.settle()
    if midway is not None:
        await midway()
    gone.append((await fake.post("bob", "what a f4gg0t"))["id"])
    gone.append((await fake.post("bob", "see", embeds=[{"title": "faggot"}]))["id"])
    await dc.settle()
    gone.append((await fake.post("eve", "@everyone look here"))["id"])
    gone.append((await fake.post("hank", "you are an idiot"))["id"])
    await dc.settle()
    notice = [m for m in fake.bot_messages("mod-log") if m.get("embeds")][-1]
    vote = await fake.press("mod", notice, "esc:1:timeout:1h")
    await vote.response()
    await dc.settle()
    return gone


async def holds(dc: Discord, gone: list[str]) -> None:
    """Every action landed exactly once, whatever happened on the way."""
    fake = dc.fake
    await dc.reconcile()
    actions = await dc.actions()
    assert [s for *_, s, _ in actions if s not in ("applied", "moot")] == []
    names = {str(fake.member(n).id): n for n in ("bob", "eve", "hank")}
    assert [(d, names[u]) for d, u in await dc.cases()] == [
        ("warn", "bob"),
        ("warn", "bob"),
        ("timeout", "bob"),
        ("timeout", "eve"),
        ("escalate", "hank"),
        ("timeout", "hank"),
    ]
    deleted = Counter(
        c.path.rsplit("/", 1)[1] for c in fake.calls_to("DELETE", MESSAGE) if c.status == 204
    )
    assert set(deleted) <= set(gone) and max(deleted.values()) == 1
    assert not any(int(m) in fake.world.messages for m in gone)
    warned = Counter(
        content.split(">")[0].removeprefix("<@")
        for m in fake.bot_messages("general")
        if (content := m["content"]).startswith("<@")
    )
    assert warned == {u: n for u, n in zip(names, (3, 1, 1), strict=True)}, "each warn once"
    for name in names.values():
        assert fake.member(name).timed_out()
    assert "Timeout 1 hour by mod" in fake.bot_messages("mod-log")[0]["embeds"][0]["title"]
    check_no_mass_pings(fake)


async def test_no_faults_is_the_baseline(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    populate(fake_discord)
    async with discord_bot(tmp_path, fake_discord, outcomes=OUTCOMES) as dc:
        await holds(dc, await story(dc))


async def test_route_and_global_429_storms_are_waited_out(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    populate(fake_discord)
    async with discord_bot(tmp_path, fake_discord, outcomes=OUTCOMES) as dc:
        fake_discord.inject("POST", MESSAGES, *[route_limited(0.1)] * 3)
        fake_discord.inject("DELETE", MESSAGE, global_limited(0.2), route_limited(0.1))
        fake_discord.inject("PATCH", MEMBER, route_limited(0.1), route_limited(0.1))
        started = time.monotonic()
        gone = await story(dc)
        took = time.monotonic() - started
        assert len([c for c in fake_discord.calls if c.status == 429]) == 7
        assert [s for *_, s, _ in await dc.actions()] == ["applied"] * 13, "no retry needed"
        await holds(dc, gone)
        assert took < 5, f"sub-second retry_after keeps it quick ({took:.2f}s)"
        print(f"story under 7 rate limits (0.1-0.2 s each): {took:.2f}s")


async def test_a_429_without_via_is_left_to_the_executor(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    populate(fake_discord)
    async with discord_bot(tmp_path, fake_discord, outcomes=OUTCOMES) as dc:
        fake_discord.inject("DELETE", MESSAGE, cloudflare_limited())
        fake_discord.inject("POST", MESSAGES, cloudflare_limited())
        slur = await fake_discord.post("bob", "you faggot")
        await dc.settle()
        assert [(k, s) for k, _, _, s, _ in await dc.actions()] == [
            ("delete", "pending"),
            ("warn", "pending"),
        ], "a Cloudflare 429 is not retried by discord.py: both wait for the executor"
        assert await dc.reconcile() == 2
        assert [s for *_, s, _ in await dc.actions()] == ["applied", "applied"]
        assert int(slur["id"]) not in fake_discord.world.messages
        assert len(fake_discord.calls_to("DELETE", MESSAGE)) == 2


@pytest.mark.parametrize(
    "fault",
    [server_error(500, processed=True), server_error(503)],
    ids=["500-lost-answer", "503"],
)
async def test_server_errors_lose_nothing_and_double_nothing(
    tmp_path: Path, fake_discord: FakeDiscord, fault: Fault
) -> None:
    populate(fake_discord)
    async with discord_bot(tmp_path, fake_discord, outcomes=OUTCOMES) as dc:
        for method, route in (("DELETE", MESSAGE), ("POST", MESSAGES), ("PATCH", MEMBER)):
            fake_discord.inject(method, route, fault)
        fake_discord.inject("PATCH", MESSAGE, server_error(502))
        gone = await story(dc)
        await holds(dc, gone)
        statuses = [c.status for c in fake_discord.calls if c.status >= 500]
        assert statuses == [fault.status] * 3 + [502]


async def test_a_rate_limit_longer_than_the_cap_is_not_waited_out(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    """No coroutine sleeps through a long cooldown: past `max_ratelimit_timeout` (30 s)
    discord.py raises at once and the action waits for the executor's next round."""
    populate(fake_discord)
    async with discord_bot(tmp_path, fake_discord, outcomes=OUTCOMES) as dc:
        fake_discord.inject("DELETE", MESSAGE, route_limited(45.0))
        started = time.monotonic()
        await fake_discord.post("bob", "you faggot")
        await dc.settle()
        assert time.monotonic() - started < 2
        assert [(k, s) for k, _, _, s, _ in await dc.actions()] == [
            ("delete", "pending"),
            ("warn", "applied"),
        ]
        assert await dc.reconcile() == 1
        assert [s for *_, s, _ in await dc.actions()] == ["applied", "applied"]


@pytest.mark.parametrize(
    "fault", ["reconnect", "resumable", "fresh-session", "close-4000", "tcp-cut"]
)
async def test_gateway_faults_mid_story_lose_and_double_nothing(
    tmp_path: Path, fake_discord: FakeDiscord, fault: str
) -> None:
    populate(fake_discord)
    gateway = fake_discord.gateway
    async with discord_bot(tmp_path, fake_discord, outcomes=OUTCOMES) as dc:
        before, start = len(gateway.every_session), 0

        async def midway() -> None:
            nonlocal start
            start = len(gateway.received)
            if fault == "reconnect":
                await gateway.reconnect()
            elif fault in ("resumable", "fresh-session"):
                await gateway.invalidate(resumable=fault == "resumable")
            else:
                await gateway.drop(4000 if fault == "close-4000" else None)
            if fault == "fresh-session":  # Discord replays nothing to a new session
                await gateway.wait_for_op(2, start)
                await dc.settle()

        await holds(dc, await story(dc, midway))
        identified = len(gateway.every_session) - before
        assert identified == (1 if fault == "fresh-session" else 0), "resumed, not re-identified"
        if fault != "fresh-session":
            resume = await gateway.wait_for_op(6, start)
            assert resume["d"]["seq"] > 0, "the messages posted while it was away were replayed"
