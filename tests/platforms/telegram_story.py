"""A day in an Indonesian Telegram group, as a script of steps that check as they go.

In order: a newcomer is greeted and passes the button gate, a question gets the FAQ answer,
slurs (plain, obfuscated, in a caption, edited in) are removed with a warning and a timeout
at the third strike, a flood is stopped, a grey-band message goes to the moderators (a
non-moderator's press is refused, a moderator's applies), three reports hide a message, and
a moderator cannot ban an admin.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n import text
from tests.platforms.telegram_harness import (
    AYU,
    BUDI,
    DEWI,
    EKO,
    FAJAR,
    GITA,
    GROUP,
    HADI,
    MODS,
    RINA,
    SARI,
    Telegram,
)
from tests.platforms.telegram_payloads import photo

SETTINGS = {"welcome": {"gate": "button"}, "reports": {"hide_after": 3}}
OUTCOMES = {"slurs": {"delete": True, "sanction": "warn"}}


def sent(tg: Telegram, chat: int, start: int = 0) -> list[dict[str, Any]]:
    return [c for c in tg.fake.ok_calls("sendMessage")[start:] if int(c["chat_id"]) == chat]


def mentioned(call: dict[str, Any]) -> list[int]:
    return [e["user"]["id"] for e in call.get("entities") or [] if e["type"] == "text_mention"]


def answer(tg: Telegram, query: str) -> dict[str, Any]:
    return tg.world.answers[query]


async def newcomer_passes_the_gate(tg: Telegram) -> None:
    tg.world.join(GROUP, RINA)  # the service message and the chat_member update
    await tg.settle()
    greetings = sent(tg, GROUP)
    assert len(greetings) == 1, "a join announced twice is greeted once"
    greeting = greetings[0]
    assert greeting["text"].startswith("Selamat datang di Warung Kode, Rina!")
    assert "/rules" in greeting["text"] and "Tekan tombol" in greeting["text"]
    assert "Sekarang kita 11 anggota" in greeting["text"]  # 10 people and the bot
    assert mentioned(greeting) == [RINA["id"]]
    assert "parse_mode" not in greeting
    held = tg.fake.ok_calls("restrictChatMember")[-1]
    assert int(held["user_id"]) == RINA["id"]
    assert held["permissions"]["can_send_messages"] is False
    with pytest.raises(PermissionError):
        tg.world.say(GROUP, RINA, "halo")
    button = tg.world.last_from_bot(GROUP)
    someone_else = tg.world.press(GROUP, button["message_id"], SARI, "gate:ok")
    query = tg.world.press(GROUP, button["message_id"], RINA, "gate:ok")
    await tg.settle()
    assert answer(tg, someone_else)["text"] == text("id", "welcome.not_pending")
    assert answer(tg, query)["text"] == text("id", "welcome.passed", user="Rina")
    tg.world.say(GROUP, RINA, "halo semua, salam kenal")
    await tg.settle()


async def question_gets_the_faq_answer(tg: Telegram) -> None:
    before = len(tg.fake.ok_calls("sendMessage"))
    asked = tg.world.say(GROUP, SARI, "di mana aturannya?")
    await tg.settle()
    (reply,) = sent(tg, GROUP, before)
    assert reply["text"] == "Pedoman kami tinggal satu perintah: ketik /rules."
    assert reply["reply_parameters"]["message_id"] == asked["message_id"]


async def slurs_are_removed_and_the_third_strike_times_out(tg: Telegram) -> None:
    plain = tg.world.say(GROUP, EKO, "dasar faggot")
    masked = tg.world.say(GROUP, EKO, "kamu f4gg0t")
    caption = tg.world.say(GROUP, EKO, caption="lihat faggot ini", photo=photo())
    await tg.settle()
    removed = [int(c["message_id"]) for c in tg.fake.ok_calls("deleteMessage")]
    assert removed[-3:] == [plain["message_id"], masked["message_id"], caption["message_id"]]
    warnings = [c for c in sent(tg, GROUP) if mentioned(c) == [EKO["id"]]]
    assert len(warnings) == 3
    assert "Hormati semua orang" in warnings[0]["text"]
    assert "3 pelanggaran" in warnings[2]["text"]
    assert tg.world.status(GROUP, EKO["id"]) == "restricted"
    with pytest.raises(PermissionError):
        tg.world.say(GROUP, EKO, "kenapa?")
    innocent = tg.world.say(GROUP, DEWI, "selamat pagi")
    await tg.settle()
    tg.world.edit(GROUP, innocent["message_id"], "selamat pagi faggot")
    await tg.settle()
    assert int(tg.fake.ok_calls("deleteMessage")[-1]["message_id"]) == innocent["message_id"]
    assert mentioned(sent(tg, GROUP)[-1]) == [DEWI["id"]]


async def a_flood_is_stopped(tg: Telegram) -> None:
    burst = ["satu", "dua", "tiga", "empat", "lima", "enam", "tujuh"]
    posted = 0
    for word in burst:
        try:
            tg.world.say(GROUP, FAJAR, word)
        except PermissionError:
            break
        posted += 1
        await tg.settle()
    assert posted == 5, "the fifth message within 5 s times the member out"
    assert tg.world.status(GROUP, FAJAR["id"]) == "restricted"


async def grey_band_goes_to_the_moderators(tg: Telegram) -> None:
    grey = tg.world.say(GROUP, GITA, "dasar idiot")
    await tg.settle()
    notice = tg.world.last_from_bot(MODS)
    assert len(sent(tg, MODS)) == 1
    assert notice["text"].startswith("Eskalasi #1:") and "Gita" in notice["text"]
    buttons = [b for row in notice["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["callback_data"] for b in buttons] == [
        "esc:1:dismiss",
        "esc:1:delete",
        "esc:1:warn",
        "esc:1:timeout:1h",
        "esc:1:ban",
    ]
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
    assert grey["message_id"] in tg.world.chats[GROUP].messages, "a human decides first"
    refused = tg.world.press(MODS, notice["message_id"], BUDI, "esc:1:ban")
    await tg.settle()
    assert answer(tg, refused)["show_alert"] == "true"
    assert answer(tg, refused)["text"] == text("id", "authz.not_moderator", command="vote")
    assert grey["message_id"] in tg.world.chats[GROUP].messages
    decided = tg.world.press(MODS, notice["message_id"], AYU, "esc:1:timeout:1h")
    await tg.settle()
    assert "Selesai" in answer(tg, decided)["text"]
    assert grey["message_id"] not in tg.world.chats[GROUP].messages
    assert tg.world.status(GROUP, GITA["id"]) == "restricted"
    edited = tg.fake.ok_calls("editMessageText")[-1]
    assert int(edited["message_id"]) == notice["message_id"]
    assert "Ayu" in edited["text"] and "reply_markup" not in tg.world.last_from_bot(MODS)


async def three_reports_hide_a_message(tg: Telegram) -> None:
    spam = tg.world.say(GROUP, BUDI, "beli followers murah, hubungi aku")
    for reporter in (SARI, DEWI, RINA):
        tg.world.say(GROUP, reporter, "/report jualan", reply_to=spam["message_id"])
        await tg.settle()
        assert spam["message_id"] in tg.world.chats[GROUP].messages or reporter is RINA
    assert spam["message_id"] not in tg.world.chats[GROUP].messages
    thanks = [c for c in sent(tg, GROUP) if c["text"] == text("id", "members.report_thanks")]
    assert len(thanks) == 3
    assert sent(tg, MODS)[-1]["text"].startswith("Eskalasi #2:")


async def a_moderator_cannot_ban_an_admin(tg: Telegram) -> None:
    said = tg.world.say(GROUP, HADI, "pengumuman: rapat nanti malam")
    tg.world.say(GROUP, AYU, "/ban spam", reply_to=said["message_id"])
    tg.world.say(GROUP, AYU, f"/ban {HADI['id']} spam")
    await tg.settle()
    refusals = sent(tg, GROUP)[-2:]
    assert [r["text"] for r in refusals] == [text("id", "authz.outranks", user="Hadi")] * 2
    assert tg.fake.ok_calls("banChatMember") == []
    assert tg.world.status(GROUP, HADI["id"]) == "administrator"


async def run_story(tg: Telegram) -> None:
    await newcomer_passes_the_gate(tg)
    await question_gets_the_faq_answer(tg)
    await slurs_are_removed_and_the_third_strike_times_out(tg)
    await a_flood_is_stopped(tg)
    await grey_band_goes_to_the_moderators(tg)
    await three_reports_hide_a_message(tg)
    await a_moderator_cannot_ban_an_admin(tg)
