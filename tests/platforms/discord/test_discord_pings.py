"""No bot message pings @everyone, @here or a role, whatever members put in names and texts.

Hostile names and texts go through every path that echoes them: the greeting (a newcomer's
name), a moderator's warn reason, a report's reason and the reported text in the notice, an
escalation excerpt and the decided notice, an FAQ answer, a case's new reason, a refusal.
The bot's role may mention everyone and the moderators' role is mentionable, so only
`allowed_mentions` (and the broken mentions in the text) stand between them and a ping.
"""

from __future__ import annotations

from pathlib import Path

import discord
import pytest

from tests.platforms.discord.bot_harness import Discord, discord_bot
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.harness import FastClient, running
from tests.platforms.discord.no_pings import check_no_mass_pings


def corpus(fake: FakeDiscord) -> list[str]:
    role, alice = fake.role("Moderator").id, fake.member("alice").id
    return [
        "@everyone",
        "@here",
        "＠everyone",
        "@EVERYONE look",
        f"<@&{role}>",
        f"@everyone <@&{role}> @here",
        f"<@{alice}> @here",
        "hey@everyone",
        "@@here",
        "`@everyone`",
    ]


async def echo(dc: Discord, index: int, payload: str) -> None:
    fake = dc.fake
    newcomer = await fake.join(f"{payload} n{index}")
    await fake.slash("mod", "warn", member=newcomer, reason=payload)
    trigger = f"magic word {index}"
    await fake.slash("mod", "faq", action="add", name=f"p{index}", triggers=trigger, answer=payload)
    await dc.settle()
    await fake.post(newcomer, trigger)
    await dc.settle()
    grey = await fake.post(newcomer, f"you idiot {payload}")
    await dc.settle()
    guild, channel = fake.world.guild.id, fake.channel("general").id
    link = f"https://discord.com/channels/{guild}/{channel}/{grey['id']}"
    await fake.slash("ivy", "report", message=link, reason=payload)
    await fake.slash("mod", "reason", case=1, reason=payload)
    await fake.slash("mod", "ban", member=newcomer, reason=payload)
    await dc.settle()


async def test_hostile_names_and_texts_never_ping(
    tmp_path: Path, fake_discord: FakeDiscord
) -> None:
    fake_discord.world.add_member(fake_discord.world.add_user("ivy"), "Member")
    fake_discord.role("Moderator").mentionable = True
    settings = {"welcome": {"delete_after": None}}
    async with discord_bot(tmp_path, fake_discord, settings) as dc:
        payloads = corpus(fake_discord)
        for index, payload in enumerate(payloads):
            await echo(dc, index, payload)
        notices = [m for m in fake_discord.bot_messages("mod-log") if m.get("components")]
        vote = await fake_discord.press(
            "mod", notices[0], notices[0]["components"][0]["components"][4]["custom_id"]
        )
        await vote.response()
        await dc.settle()
        checked = check_no_mass_pings(fake_discord)
    welcome = f"/channels/{fake_discord.channel('welcome').id}/messages"
    greetings = [c.json["content"] for c in fake_discord.calls_to("POST", welcome)]
    assert len(greetings) == len(payloads)
    assert all(g.startswith("Welcome to Test Guild, <@") for g in greetings), greetings
    answers = [c for c in fake_discord.calls if "/interactions/" in c.path]
    assert len(answers) == len(fake_discord.interactions.by_id)
    print(f"{checked} outgoing bodies checked for {len(payloads)} payloads: 0 leaks")
    assert checked > 10 * len(payloads)


async def test_the_check_catches_a_client_that_lets_pings_through(
    fake_discord: FakeDiscord,
) -> None:
    """The negative control: a client without modbot's settings fails the check."""
    client = FastClient(allowed_mentions=discord.AllowedMentions.all())
    async with running(client, fake_discord):
        channel = client.get_channel(fake_discord.channel("general").id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("@everyone hello")
    with pytest.raises(AssertionError, match="allowed_mentions|everyone"):
        check_no_mass_pings(fake_discord)
