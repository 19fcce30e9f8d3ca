"""Pure conversion and rendering, on real discord.py objects the fake's events produced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
import pytest

from adapters.discord import commands, convert, ui
from adapters.discord.actions import timeout_end
from bot.actions import Button
from bot.commands import COMMANDS
from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.harness import FastBot, FastClient, collect, next_of, running
from tests.platforms.discord.payloads import attachment, poll

pytestmark = pytest.mark.filterwarnings("error")


async def test_every_text_surface_mention_and_link_reaches_the_rules(
    fake_discord: FakeDiscord,
) -> None:
    alice, mods = fake_discord.member("alice"), fake_discord.role("Moderator")
    client = FastBot()
    messages = collect(client, "message")
    async with running(client, fake_discord):
        first = await fake_discord.post("bob", "first")
        embed = {
            "title": "Title",
            "description": "Body",
            "url": "https://grabify.link/x",
            "author": {"name": "Author", "url": "https://author.example"},
            "fields": [{"name": "Field", "value": "Value", "inline": False}],
            "footer": {"text": "Footer"},
        }
        await fake_discord.post(
            "bob",
            f"hi <@{alice.id}> <@&{mods.id}> @everyone",
            embeds=[embed],
            attachments=[attachment("setup.exe", description="totally safe")],
            poll=poll("Best slur?", ["one", "two"]),
            reply_to=first,
        )
        await next_of(messages)
        message = await next_of(messages)
        guild = message.guild
        assert guild is not None and convert.skip_reason(message) is None
        author = convert.member(message.author, guild.id)
        said = convert.to_message(message, author)
    assert said.text.split("\n") == [
        f"hi <@{alice.id}> <@&{mods.id}> @everyone",
        *("Title", "Body", "Author", "Field", "Value", "Footer"),
        *("setup.exe", "totally safe", "Best slur?", "one", "two"),
    ]
    assert said.links == ("https://grabify.link/x", "https://author.example")
    assert said.mentions == (str(alice.id),) and said.role_mentions == (str(mods.id),)
    assert not said.mentions_everyone, "bob may not ping everyone; the rule reads the text"
    assert [(a.filename, a.kind) for a in said.attachments] == [("setup.exe", "file")]
    assert said.reply_to == first["id"] and said.key == f"discord:{guild.id}:{message.id}"


async def test_webhooks_system_messages_and_bots_are_not_judged(
    fake_discord: FakeDiscord,
) -> None:
    client = FastBot()
    messages = collect(client, "message")
    async with running(client, fake_discord):
        await fake_discord.post_as_webhook("Hook", "buy now")
        await fake_discord.post_system("alice")
        channel = client.get_channel(fake_discord.channel("general").id)
        assert isinstance(channel, discord.TextChannel)
        await channel.send("from the bot")
        reasons = [convert.skip_reason(await next_of(messages)) for _ in range(3)]
    assert reasons == ["a webhook's message", "a system message", "a bot's message"]


async def test_members_rank_by_top_role_with_the_owner_above_all(
    fake_discord: FakeDiscord,
) -> None:
    async with running(FastClient(), fake_discord) as client:
        guild = client.get_guild(fake_discord.world.guild.id)
        assert guild is not None

        def of(name: str, roles: tuple[str, ...] = ()) -> convert.Member:
            person = guild.get_member(fake_discord.member(name).id)
            assert person is not None
            return convert.member(person, guild.id, roles)

        owner, admin, mod, alice, bot = (
            of(n) for n in ("owner", "admin", "mod", "alice", "modbot")
        )
        assert (owner.rank, admin.rank, bot.rank, mod.rank, alice.rank) == (10_000, 4, 3, 2, 1)
        assert owner.is_moderator and admin.is_moderator and mod.is_moderator
        assert not alice.is_moderator and not bot.is_moderator and bot.is_bot
        assert of("alice", ("member",)).is_moderator, "a listed role, by name"
        assert of("alice", (str(fake_discord.role("Member").id),)).is_moderator, "or by id"
        member_role = str(fake_discord.role("Member").id)
        assert alice.roles == {member_role, "Member"}, "by id and by name; never @everyone"
        assert alice.account_created_at is not None
        age = datetime.now(UTC) - alice.account_created_at
        assert timedelta(days=399) < age < timedelta(days=401)


async def test_hand_made_bans_and_timeouts_are_read_from_the_audit_log(
    fake_discord: FakeDiscord,
) -> None:
    client = FastBot()
    entries = collect(client, "audit_log_entry_create")
    async with running(client, fake_discord):
        await fake_discord.ban_by_hand("mod", "bob", "raid")
        await fake_discord.timeout_by_hand("mod", "alice", timedelta(hours=2))
        ban, timeout = await next_of(entries), await next_of(entries)
        guild, mod, alice = (fake_discord.world.guild, *map(fake_discord.member, ("mod", "alice")))
        fake_discord.effects.timeout(guild, mod, alice, None, "lifted")
        lifted = await next_of(entries)
    assert convert.hand_made(ban) == ("ban", None)
    kind, until = convert.hand_made(timeout) or ("", None)
    assert kind == "timeout" and until is not None and until > timeout.created_at
    assert convert.hand_made(lifted) is None, "a lifted timeout is no sanction"


def test_options_message_links_and_ids() -> None:
    data = {"options": [{"name": "sub", "options": [{"name": "member", "value": "7"}]}]}
    assert convert.options(data) == {"member": "7"}
    link = "see https://discord.com/channels/1/22/333 please"
    assert convert.message_link(link, 9) == (22, 333)
    assert convert.message_link(" 444 ", 9) == (9, 444)
    assert convert.message_link("https://canary.discordapp.com/channels/1/2/3", 9) == (2, 3)
    assert convert.message_link("https://example.com/channels/1/2/3", 9) is None
    assert convert.message_link("²", 9) is None  # a digit to str.isdigit, not a number (fuzz)


def test_commands_are_localised_with_required_options_first() -> None:
    rendered = {c["name"]: c for c in commands.application_commands(COMMANDS)}
    ban, report, rules = rendered["ban"], rendered["report"], rendered["rules"]
    assert ban["name_localizations"] == {"id": "blokir"}
    assert ban["default_member_permissions"] == str(discord.Permissions(ban_members=True).value)
    assert rules["default_member_permissions"] is None and rules["contexts"] == [0]
    assert [(o["name"], o["required"]) for o in report["options"]] == [
        ("message", True),
        ("reason", False),
    ]
    assert rendered["Report message"]["type"] == 3
    assert rendered["Report message"]["name_localizations"] == {"id": "Laporkan pesan"}
    for command in rendered.values():
        for option in command.get("options", []):
            assert option["name_localizations"]["id"].islower()
            assert 1 <= len(option["description"]) <= 100


def test_rendering_pings_only_the_member_addressed() -> None:
    text = "Welcome, @\u200beveryone! Tell @everyone and <@&5>."
    assert ui.addressed(text, "42", "@everyone") == (
        "Welcome, <@42>! Tell @\u200beveryone and <@\u200b&5>."
    )
    assert ui.addressed("Please stop.", "42", None, ping=("7",)) == "<@7> <@42> Please stop."
    mentions = ui.allowed(["42"]).to_dict()
    assert mentions == {"parse": [], "users": [42]}
    assert ui.allowed().to_dict() == {"parse": []}
    assert ui.nonce("auto:x:warn") == ui.nonce("auto:x:warn") != ui.nonce("auto:y:warn")
    assert len(ui.clip("x" * 5000)) == 2000


def test_notices_are_embeds_with_one_persistent_button_per_verdict() -> None:
    buttons = [Button("Dismiss", "esc:3:dismiss"), Button("Ban", "esc:3:ban")]
    assert ui.is_notice(buttons) and not ui.is_notice([Button("OK", "gate:ok")])
    embed = ui.notice_embed("Escalation #3: listed word\nMember: @everyone")
    assert embed.title == "Escalation #3: listed word"
    assert embed.description == "Member: @\u200beveryone"
    view = ui.view_of(buttons)
    assert view is not None and view.timeout is None
    rendered = [c.to_component_dict() for c in view.children]  # type: ignore[attr-defined]
    assert [(c["custom_id"], c["style"]) for c in rendered] == [
        ("esc:3:dismiss", discord.ButtonStyle.secondary.value),
        ("esc:3:ban", discord.ButtonStyle.danger.value),
    ]


def test_timeouts_stay_within_discords_28_days() -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    assert timeout_end(now + timedelta(days=90), now) == now + timedelta(days=28, minutes=-1)
    assert timeout_end(now + timedelta(hours=1), now) == now + timedelta(hours=1)
    assert timeout_end(now - timedelta(seconds=1), now) is None
