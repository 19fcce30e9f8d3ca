"""A day in a Discord server, as a script of steps that check as they go.

In order: a newcomer is greeted in #welcome and passes the button gate (which grants the
Member role), a question gets the FAQ answer, slurs (plain, obfuscated, in an embed, edited
in) are removed with a warning and a timeout at the third strike, an @everyone attempt and
an invite link are removed, grey-band messages go to #mod-log (a non-moderator's press is
refused, a moderator's vote applies, and after a restart the other notice's buttons still
work), a message is reported from the menu and by link, a moderator times a member out, and
/ban is refused on a member above the moderator and on one above the bot.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import text
from tests.platforms.discord.bot_harness import Discord
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.interactions import Interaction
from tests.platforms.discord.world import (
    MODERATOR,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Overwrite,
    Role,
    snowflake,
)

SETTINGS = {
    "welcome": {"gate": "button", "delete_after": None},
    "discord": {"verified_role": "Member", "send_retries": [0.05, 0.1, 0.2]},
}
OUTCOMES = {"slurs": {"delete": True, "sanction": "warn"}}
MEMBERS = ("eve", "gus", "hank", "ivy", "kim", "max")


def populate(fake: FakeDiscord) -> None:
    """More members; a Senior role between the moderators and the bot (sam holds it); a
    helper who may read #mod-log but moderates nothing; #general open to the Member role
    only, so a newcomer must pass the gate to post."""
    world, guild = fake.world, fake.world.guild
    fake.role("modbot").position, fake.role("Admin").position = 4, 5
    senior = Role(snowflake(), "Senior", 3, MODERATOR)
    guild.roles[senior.id] = senior
    for name in MEMBERS:
        world.add_member(world.add_user(name), "Member")
    world.add_member(world.add_user("sam"), "Member", "Senior")
    helper = world.add_member(world.add_user("helper"), "Member")
    fake.channel("mod-log").overwrites.append(
        Overwrite(helper.id, 1, allow=VIEW_CHANNEL | SEND_MESSAGES)
    )
    fake.channel("general").overwrites = [
        Overwrite(guild.id, 0, deny=SEND_MESSAGES),
        Overwrite(fake.role("Member").id, 0, allow=SEND_MESSAGES),
        Overwrite(fake.role("modbot").id, 0, allow=SEND_MESSAGES),
    ]


def uid(fake: FakeDiscord, name: str) -> str:
    return str(fake.member(name).id)


def said(fake: FakeDiscord, channel: str, start: int = 0) -> list[dict[str, Any]]:
    """The bot's messages in `channel` (its own, not interaction answers), oldest first."""
    return [m for m in fake.bot_messages(channel)[start:] if "interaction_metadata" not in m]


async def answered(ix: Interaction) -> str:
    """What the member read: the direct answer, or the followup after a deferral."""
    first = await ix.response()
    if first["type"] == 5:
        return str((await ix.followup())["content"])
    return str(first["data"]["content"])


async def newcomer_passes_the_gate(dc: Discord) -> None:
    fake = dc.fake
    carol = await fake.join("carol")
    await dc.settle()
    (greeting,) = said(fake, "welcome")
    assert greeting["content"].startswith(f"Welcome to Test Guild, <@{carol.id}>! Please read")
    assert "We are 15 members now." in greeting["content"]
    assert fake.pings(greeting) == {"everyone": False, "roles": [], "users": [str(carol.id)]}
    (button,) = greeting["components"][0]["components"]
    assert button["custom_id"] == "gate:ok" and button["label"] == text("en", "welcome.button")
    with pytest.raises(AssertionError, match="cannot send"):
        await fake.post("carol", "hello?")
    other = await fake.press("alice", greeting, "gate:ok")
    assert await answered(other) == text("en", "welcome.not_pending")
    passed = await fake.press("carol", greeting, "gate:ok")
    assert await answered(passed) == text("en", "welcome.passed", user="carol")
    assert (await passed.response())["data"].get("flags", 0) & 64 == 0, "said to everyone"
    assert fake.role("Member").id in carol.roles
    await fake.post("carol", "hi all, glad to be here")
    await dc.settle()


async def question_gets_the_faq_answer(dc: Discord) -> None:
    fake = dc.fake
    before = len(said(fake, "general"))
    asked = await fake.post("alice", "where are the rules?")
    await dc.settle()
    (reply,) = said(fake, "general", before)
    assert reply["content"] == "Our guidelines are one command away: type /rules."
    assert str(reply["message_reference"]["message_id"]) == asked["id"]
    assert fake.pings(reply)["users"] == [], "an answer quotes, it does not ping"
    rules = await fake.slash("alice", "rules")
    assert (await answered(rules)).startswith("Guidelines of Test Guild:\n1. Respect everyone")
    assert not (await rules.response())["data"].get("flags", 0) & 64, "shown to everyone"


async def slurs_are_removed_and_the_third_strike_times_out(dc: Discord) -> None:
    fake = dc.fake
    bob = fake.member("bob")
    before = len(said(fake, "general"))
    plain = await fake.post("bob", "you faggot")
    masked = await fake.post("bob", "what a f4gg0t")
    embed = {"title": "Weekly faggot award", "description": "for you"}
    embedded = await fake.post("bob", "look at this", embeds=[embed])
    await dc.settle()
    assert not any(fake.exists(m) for m in (plain, masked, embedded))
    warnings = said(fake, "general", before)
    assert [fake.pings(w)["users"] for w in warnings] == [[str(bob.id)]] * 3
    assert "Respect everyone" in warnings[0]["content"]
    assert "You now have 3 strikes within 30 days" in warnings[2]["content"]
    assert bob.timed_out()
    with pytest.raises(AssertionError, match="cannot send"):
        await fake.post("bob", "why?")
    innocent = await fake.post("alice", "good morning")
    await dc.settle()
    assert fake.exists(innocent)
    await fake.edit(innocent, "good morning faggot")
    await dc.settle()
    assert not fake.exists(innocent)
    assert fake.pings(said(fake, "general")[-1])["users"] == [uid(fake, "alice")]


async def mass_mentions_and_invites_are_removed(dc: Discord) -> None:
    fake = dc.fake
    attempt = await fake.post("eve", "@everyone come and look at this")
    crowd = " ".join(f"<@{uid(fake, name)}>" for name in ("alice", *MEMBERS[1:5], "carol"))
    spam = await fake.post("max", f"hey {crowd}")
    invite = await fake.post("gus", "join my server discord.gg/abcdef")
    await dc.settle()
    assert not any(fake.exists(m) for m in (attempt, spam, invite))
    assert fake.member("eve").timed_out() and fake.member("max").timed_out()
    assert not fake.member("gus").timed_out()
    last = said(fake, "general")[-3:]
    assert [fake.pings(m)["users"] for m in last] == [[uid(fake, n)] for n in ("eve", "max", "gus")]


async def grey_band_goes_to_the_moderators(dc: Discord) -> None:
    fake = dc.fake
    grey = await fake.post("hank", "you are an idiot")
    await dc.settle()
    (notice,) = said(fake, "mod-log")
    assert notice["embeds"][0]["title"] == "Escalation #1: listed word"
    assert "Member: hank" in notice["embeds"][0]["description"]
    ids = [b["custom_id"] for row in notice["components"] for b in row["components"]]
    assert ids == ["esc:1:dismiss", "esc:1:delete", "esc:1:warn", "esc:1:timeout:1h", "esc:1:ban"]
    assert fake.exists(grey), "a human decides first"
    refused = await fake.press("helper", notice, "esc:1:ban")
    assert await answered(refused) == text("en", "authz.not_moderator", command="vote")
    assert (await refused.response())["data"]["flags"] & 64
    assert fake.exists(grey) and not fake.member("hank").timed_out()
    decided = await fake.press("mod", notice, "esc:1:timeout:1h")
    assert (await answered(decided)).startswith("Done: escalation #1")
    await dc.settle()
    assert not fake.exists(grey) and fake.member("hank").timed_out()
    assert notice["components"] == [], "the buttons went with the decision"
    assert notice["embeds"][0]["title"].startswith("Escalation #1: Timeout 1 hour by mod")


async def buttons_survive_a_restart(dc: Discord) -> None:
    fake = dc.fake
    await fake.post("ivy", "what a moron")
    await dc.settle()
    notice = said(fake, "mod-log")[-1]
    assert notice["embeds"][0]["title"].startswith("Escalation #2:")
    await dc.restart()
    decided = await fake.press("mod", notice, "esc:2:dismiss")
    assert (await answered(decided)).startswith("Done: escalation #2")
    await dc.settle()
    assert notice["components"] == [] and "Dismiss by mod" in notice["embeds"][0]["title"]


async def a_message_is_reported_from_the_menu_and_by_link(dc: Discord) -> None:
    fake = dc.fake
    rude = await fake.post("kim", "nobody asked for your opinion")
    await dc.settle()
    menu = await fake.context_menu("alice", "Report message", rude)
    assert await answered(menu) == text("en", "members.report_thanks")
    guild, channel = fake.world.guild.id, fake.channel("general").id
    link = f"https://discord.com/channels/{guild}/{channel}/{rude['id']}"
    by_link = await fake.slash("carol", "report", message=link, reason="rude")
    assert await answered(by_link) == text("en", "members.report_thanks")
    lost = await fake.slash("carol", "report", message="https://example.com/x")
    assert await answered(lost) == text("en", "discord.no_message")
    notice = said(fake, "mod-log")[-1]
    assert notice["embeds"][0]["title"].startswith("Escalation #3: reported by 1 member(s)")
    assert "nobody asked" in notice["embeds"][0]["description"]


async def a_moderator_times_a_member_out(dc: Discord) -> None:
    fake = dc.fake
    ix = await fake.slash("mod", "timeout", member=fake.member("kim"), duration="10m")
    assert (await answered(ix)).startswith("Timed out kim for 10 minutes (case #")
    await dc.settle()
    assert fake.member("kim").timed_out()


async def bans_above_the_moderator_or_the_bot_are_refused(dc: Discord) -> None:
    fake = dc.fake
    over_mod = await fake.slash("mod", "ban", member=fake.member("sam"), reason="spam")
    assert await answered(over_mod) == text("en", "authz.outranks", user="sam")
    over_bot = await fake.slash("owner", "ban", member=fake.member("admin"), reason="test")
    assert await answered(over_bot) == text("en", "authz.bot_outranks", user="admin")
    member = await fake.slash("alice", "ban", member=fake.member("gus"), strict=False)
    assert await answered(member) == text("en", "authz.not_moderator", command="ban")
    assert fake.calls_to("PUT", "/guilds/{}/bans/{}") == []


async def run_story(dc: Discord) -> None:
    await newcomer_passes_the_gate(dc)
    await question_gets_the_faq_answer(dc)
    await slurs_are_removed_and_the_third_strike_times_out(dc)
    await mass_mentions_and_invites_are_removed(dc)
    await grey_band_goes_to_the_moderators(dc)
    await buttons_survive_a_restart(dc)
    await a_message_is_reported_from_the_menu_and_by_link(dc)
    await a_moderator_times_a_member_out(dc)
    await bans_above_the_moderator_or_the_bot_are_refused(dc)
