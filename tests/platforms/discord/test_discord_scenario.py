"""A day in a Discord server, through the real discord.py against the fake Discord.

The whole story of story.py in one run, then the audit: every request the bot made to
Discord is explained by exactly one recorded action, or by a message the bot meant to send
(the greeting, the FAQ answer, a notice or its edit, an answer to an interaction).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.platforms.discord.bot_harness import Discord, discord_bot
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.fake_rest import Call
from tests.platforms.discord.no_pings import check_no_mass_pings
from tests.platforms.discord.story import OUTCOMES, SETTINGS, populate, run_story, said, uid

EXPECTED_ROUTES = {
    ("GET", "/users/@me"),
    ("GET", "/oauth2/applications/@me"),
    ("PUT", "/applications/{application_id}/commands"),
    ("GET", "/channels/{channel_id}/messages/{message_id}"),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}"),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    ("POST", "/channels/{channel_id}/messages"),
    ("POST", "/users/@me/channels"),
    ("PATCH", "/guilds/{guild_id}/members/{user_id}"),
    ("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}"),
    ("POST", "/interactions/{interaction_id}/{token}/callback"),
}


async def test_a_day_in_a_discord_server(tmp_path: Path, fake_discord: FakeDiscord) -> None:
    populate(fake_discord)
    async with discord_bot(tmp_path, fake_discord, SETTINGS, outcomes=OUTCOMES) as dc:
        await run_story(dc)
        await dc.settle()
        await every_call_is_explained(dc)


def ok(calls: list[Call]) -> list[Call]:
    return [c for c in calls if 200 <= c.status < 300]


async def every_call_is_explained(dc: Discord) -> None:
    fake = dc.fake
    who = {uid(fake, name): name for name in ("carol", "bob", "alice", "eve", "gus", "hank")}
    who |= {uid(fake, name): name for name in ("ivy", "kim", "max")}
    assert [(kind, who[user]) for kind, user in await dc.cases()] == [
        ("restrict", "carol"),
        ("unrestrict", "carol"),
        ("warn", "bob"),
        ("warn", "bob"),
        ("timeout", "bob"),
        ("warn", "alice"),
        ("timeout", "eve"),
        ("timeout", "max"),
        ("warn", "gus"),
        ("escalate", "hank"),
        ("timeout", "hank"),
        ("escalate", "ivy"),
        ("timeout", "kim"),
    ]
    actions = await dc.actions()
    assert len({key for *_, key in actions}) == len(actions), "one key, one action"
    assert {status for _, _, _, status, _ in actions} == {"applied"}
    assert {(c.method, c.route) for c in fake.calls} <= EXPECTED_ROUTES
    assert [c for c in fake.calls if not 200 <= c.status < 300] == [], "Discord refused nothing"

    deletes = [m for kind, _, m, _, _ in actions if kind == "delete"]
    removals = fake.calls_to("DELETE", "/channels/{}/messages/{}")
    deleted = [c.path.rsplit("/", 1)[1] for c in removals]
    assert Counter(deleted) == Counter(deletes), "each delete once, and only those"
    timeouts = [user for kind, user, _, _, _ in actions if kind == "timeout"]
    patched = ok(fake.calls_to("PATCH", "/guilds/{}/members/{}"))
    assert [c.path.rsplit("/", 1)[1] for c in patched] == timeouts
    assert all(set(c.json) == {"communication_disabled_until"} for c in patched)
    granted = fake.calls_to("PUT", "/guilds/{}/members/{}/roles/{}")
    assert [c.path.split("/")[4] for c in granted] == [
        user for kind, user, _, _, _ in actions if kind == "unrestrict"
    ]
    assert [kind for kind, *_ in actions].count("restrict") == 1, "a newcomer has no role to lose"

    warns = await dc.rows("SELECT user_id, reason FROM actions WHERE kind = 'warn' ORDER BY id")
    posts = fake.calls_to("POST", "/channels/{}/messages")
    general, welcome, mods = (str(fake.channel(n).id) for n in ("general", "welcome", "mod-log"))
    in_general = [c.json["content"] for c in posts if c.path.split("/")[2] == general]
    faq = "Our guidelines are one command away: type /rules."
    assert [t for t in in_general if t != faq] == [f"<@{user}> {reason}" for user, reason in warns]
    assert in_general.count(faq) == 1
    direct = [c for c in posts if c.path.split("/")[2] not in (general, welcome, mods)]
    assert [c.json["content"] for c in direct] == [reason for _, reason in warns]
    assert len(fake.calls_to("POST", "/users/@me/channels")) == len({u for u, _ in warns})
    assert len([c for c in posts if c.path.split("/")[2] == welcome]) == 1, "one greeting"
    notices = [c for c in posts if c.path.split("/")[2] == mods]
    assert [c.json["embeds"][0]["title"].split(":")[0] for c in notices] == [
        "Escalation #1",
        "Escalation #2",
        "Escalation #3",
    ]
    edits = fake.calls_to("PATCH", "/channels/{}/messages/{}")
    assert [c.path.split("/")[2] for c in edits] == [mods, mods], "two notices decided"
    assert len(said(fake, "mod-log")) == 3

    callbacks = fake.calls_to("POST", "/interactions/{}/{}/callback")
    assert len(callbacks) == len(fake.interactions.by_id), "each interaction answered once"
    assert fake.calls_to("POST", "/webhooks/{}/{}") == [], "every answer came in time"
    assert check_no_mass_pings(fake) > 20
