"""Buttons, selects and modals on messages the bot sent, through the real discord.py."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import discord
import pytest

from tests.platforms.discord.fake_discord import FakeDiscord
from tests.platforms.discord.harness import FastBot, running

pytestmark = pytest.mark.filterwarnings("error")


class Verdict(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"esc:(?P<case>\d+):(?P<v>\w+)"
):
    def __init__(self, case: int, verdict: str) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=verdict.title(), custom_id=f"esc:{case}:{verdict}"
        )
        super().__init__(button)
        self.case, self.verdict = case, verdict

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Verdict:
        return cls(int(match["case"]), match["v"])

    async def callback(self, interaction: discord.Interaction) -> None:
        content = f"case {self.case}: {self.verdict} by {interaction.user.name}"
        await interaction.response.edit_message(content=content, view=None)


class EscalationBot(FastBot):
    async def setup_hook(self) -> None:
        self.add_dynamic_items(Verdict)


async def test_a_persistent_button_keeps_working_after_a_restart(fake_discord: FakeDiscord) -> None:
    mod_log = fake_discord.channel("mod-log")
    async with running(EscalationBot(), fake_discord) as bot:
        for case in (1, 2):
            view = discord.ui.View(timeout=None)
            view.add_item(Verdict(case, "ban")).add_item(Verdict(case, "dismiss"))
            await bot.get_channel(mod_log.id).send(f"Case {case}", view=view)
        first, second = fake_discord.bot_messages("mod-log")
        ix = await fake_discord.press("mod", first, "esc:1:ban")
        assert (await ix.response())["type"] == 7
    assert first["content"] == "case 1: ban by mod" and first["components"] == []
    async with running(EscalationBot(), fake_discord):
        ix = await fake_discord.press("mod", second, "esc:2:dismiss")
        await ix.response()
    assert second["content"] == "case 2: dismiss by mod"


class Question(discord.ui.Modal, title="Verification"):
    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(label="2 + 2?", custom_id="answer")

    def __init__(self, role_id: int) -> None:
        super().__init__()
        self.role_id = role_id

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(interaction.user, discord.Member)
        if self.answer.value.strip() == "4":
            await interaction.user.add_roles(discord.Object(self.role_id), reason="verified")
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.edit_original_response(content="Welcome in!")


class Gate(discord.ui.View):
    def __init__(self, role_id: int) -> None:
        super().__init__(timeout=None)
        self.role_id = role_id

    @discord.ui.button(label="Verify", custom_id="gate:verify")
    async def verify(
        self, interaction: discord.Interaction, button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.send_modal(Question(self.role_id))

    @discord.ui.select(
        custom_id="gate:lang",
        options=[
            discord.SelectOption(label="English", value="en"),
            discord.SelectOption(label="Bahasa Indonesia", value="id"),
        ],
    )
    async def language(
        self, interaction: discord.Interaction, select: discord.ui.Select[Any]
    ) -> None:
        await interaction.response.send_message(f"Language: {select.values[0]}", ephemeral=True)


async def test_a_gate_button_opens_a_modal_whose_answer_grants_a_role(
    fake_discord: FakeDiscord,
) -> None:
    role_id = fake_discord.role("Member").id
    dave = await fake_discord.join("dave", age=timedelta(days=1))
    async with running(FastBot(), fake_discord) as bot:
        welcome = bot.get_channel(fake_discord.channel("welcome").id)
        await welcome.send("Verify here", view=Gate(role_id))
        (gate,) = fake_discord.bot_messages("welcome")
        chosen = await fake_discord.select("dave", gate, "gate:lang", ["id"])
        assert (await chosen.response())["data"]["content"] == "Language: id"
        opened = await fake_discord.press("dave", gate, "gate:verify")
        assert (await opened.response())["type"] == 9
        submitted = await fake_discord.submit_modal("dave", opened, answer=" 4 ")
        await fake_discord.wait_for_call("PATCH", "/webhooks/{}/{}/messages/@original")
    assert submitted.texts() == ["Welcome in!"] and role_id in dave.roles
    (grant,) = fake_discord.calls_to("PUT", "/guilds/{}/members/{}/roles/{}")
    assert grant.headers["X-Audit-Log-Reason"] == "verified"
