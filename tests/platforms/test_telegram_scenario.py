"""A day in an Indonesian Telegram group, through real PTB against the fake Bot API.

The whole story of telegram_story.py in one run, then the audit: one case per action, and
every call the bot made to Telegram explained by a case or by a message the bot meant.
"""

from __future__ import annotations

from pathlib import Path

from bot.i18n import text
from tests.platforms.telegram_harness import (
    BUDI,
    DEWI,
    EKO,
    FAJAR,
    GITA,
    GROUP,
    MODS,
    RINA,
    Telegram,
    telegram_bot,
)
from tests.platforms.telegram_story import OUTCOMES, SETTINGS, run_story, sent


async def test_a_day_in_an_indonesian_group(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path, SETTINGS, outcomes=OUTCOMES) as tg:
        await run_story(tg)
        await every_call_is_explained(tg)


async def every_call_is_explained(tg: Telegram) -> None:
    rina, eko, dewi, fajar, gita, budi = (
        str(p["id"]) for p in (RINA, EKO, DEWI, FAJAR, GITA, BUDI)
    )
    assert await tg.cases() == [
        ("restrict", rina),
        ("unrestrict", rina),
        ("warn", eko),
        ("warn", eko),
        ("timeout", eko),
        ("warn", dewi),
        ("timeout", fajar),
        ("escalate", gita),
        ("timeout", gita),
        ("delete", budi),
    ]
    actions = await tg.actions()
    assert len({key for *_, key in actions}) == len(actions)
    assert {status for _, _, _, status, _ in actions} == {"applied"}
    deletes = sorted(int(m) for kind, _, m, _, _ in actions if kind == "delete")
    assert sorted(int(c["message_id"]) for c in tg.fake.ok_calls("deleteMessage")) == deletes
    muting = ("restrict", "unrestrict", "timeout")
    restricts = [(int(u), k) for k, u, _, _, _ in actions if k in muting]
    made = [
        (int(c["user_id"]), c["permissions"]["can_send_messages"])
        for c in tg.fake.ok_calls("restrictChatMember")
    ]
    assert made == [(user, kind == "unrestrict") for user, kind in restricts]
    assert tg.fake.ok_calls("banChatMember") == tg.fake.ok_calls("unbanChatMember") == []
    warns = await tg.rows("SELECT user_id, reason FROM actions WHERE kind = 'warn' ORDER BY id")
    greeting = text(
        "id",
        "welcome.greeting",
        community="Warung Kode",
        user="Rina",
        rules="/rules",
        member_count=11,
    )
    meant = {
        greeting + "\n" + text("id", "welcome.gate_button", minutes=10),
        "Pedoman kami tinggal satu perintah: ketik /rules.",
        text("id", "members.report_thanks"),
        text("id", "authz.outranks", user="Hadi"),
    }
    group = sent(tg, GROUP)
    names = {str(p["id"]): p["first_name"] for p in (EKO, DEWI, FAJAR, GITA)}
    to_members = [c["text"] for c in group if c["text"] not in meant]
    assert to_members == [f"{names[user]}: {reason}" for user, reason in warns]
    notices = sent(tg, MODS)
    assert [n["text"].split(":")[0] for n in notices] == ["Eskalasi #1", "Eskalasi #2"]
    assert len(group) + len(notices) == len(tg.fake.ok_calls("sendMessage"))
    assert [c.method for c in tg.fake.calls if c.status != 200] == [], "Telegram refused nothing"
    assert not any("parse_mode" in c.params for c in tg.fake.calls), "plain text only"
