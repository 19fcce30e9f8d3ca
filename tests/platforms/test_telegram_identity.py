"""Who is speaking, and with what rank: anonymous admins, channels and Telegram's service
accounts are never punished or counted as members; admin changes reach the bot at once."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import text
from tests.platforms import telegram_payloads as tp
from tests.platforms.telegram_harness import (
    AYU,
    BUDI,
    GROUP,
    MODS,
    OWNER,
    SARI,
    telegram_bot,
)
from tests.platforms.telegram_world import BOT_ID

TELEGRAM = tp.user(777000, "Telegram")
GROUP_ANONYMOUS = tp.user(1087968824, "Group", username="GroupAnonymousBot", bot=True)
CHANNEL_BOT = tp.user(136817688, "Channel", username="Channel_Bot", bot=True)
LINKED = tp.chat(-1001111111111, "Warung Kode News", kind="channel")
OTHER = {**tp.chat(-1002222222222, "Promo Murah", kind="channel"), "username": "promomurah"}


async def test_impersonal_senders_are_never_judged_or_punished(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        group = tg.world.chats[GROUP].data
        slur = "dasar faggot"
        anonymous = tg.world.post_as(
            GROUP, **{"from": GROUP_ANONYMOUS}, sender_chat=group, text=slur
        )
        tg.world.post_as(
            GROUP, **{"from": TELEGRAM}, sender_chat=LINKED, is_automatic_forward=True, text=slur
        )
        as_channel = tg.world.post_as(GROUP, **{"from": CHANNEL_BOT}, sender_chat=OTHER, text=slur)
        tg.world.post_as(GROUP, **{"from": TELEGRAM}, text=slur)
        tg.world.post_as(GROUP, **{"from": GROUP_ANONYMOUS}, sender_chat=group, text="/ban 201")
        tg.world.say(GROUP, AYU, "/ban", reply_to=anonymous["message_id"])
        tg.world.say(GROUP, SARI, "/report iklan", reply_to=as_channel["message_id"])
        tg.world.add(GROUP, GROUP_ANONYMOUS, "administrator")  # as Telegram lists it
        tg.world.say(GROUP, AYU, f"/kick {GROUP_ANONYMOUS['id']}")
        await tg.settle()
        assert await tg.cases() == []
        for method in ("deleteMessage", "banChatMember", "restrictChatMember"):
            assert tg.fake.ok_calls(method) == [], method
        replies = [c["text"] for c in tg.fake.ok_calls("sendMessage")]
        assert replies == [
            text("id", "telegram.anonymous"),
            text("id", "authz.target_needed", command="ban"),
            text("id", "members.report_needs_message"),
            text("id", "authz.target_missing", command="kick"),
        ]


async def test_a_bot_joining_is_not_greeted(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        tg.world.join(GROUP, tp.user(4242, "Spam Bot", bot=True))
        await tg.settle()
        assert tg.fake.ok_calls("sendMessage") == []


async def test_a_demoted_moderator_is_refused_at_once(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        said = tg.world.say(GROUP, BUDI, "hai")
        tg.world.say(GROUP, AYU, "/warn spam", reply_to=said["message_id"])
        await tg.settle()
        warned = text("id", "cmd.warned", user="Budi", case=1)
        assert [c["text"] for c in tg.fake.ok_calls("sendMessage")][-2:] == [
            "Budi: " + text("id", "notice.warn", guideline="spam"),
            warned,
        ]
        reads = len(tg.fake.ok_calls("getChatAdministrators"))
        tg.world.set_status(GROUP, AYU, "member", OWNER)
        tg.world.say(GROUP, AYU, "/warn lagi", reply_to=said["message_id"])
        await tg.settle()
        assert tg.fake.ok_calls("sendMessage")[-1]["text"] == text(
            "id", "authz.not_moderator", command="warn"
        )
        assert len(tg.fake.ok_calls("getChatAdministrators")) == reads + 1


async def test_a_promoted_member_may_moderate_at_once(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        said = tg.world.say(GROUP, BUDI, "hai")
        await tg.settle()
        tg.world.set_status(GROUP, SARI, "administrator", OWNER)
        tg.world.say(GROUP, SARI, "/timeout 10m", reply_to=said["message_id"])
        await tg.settle()
        (muted,) = tg.fake.ok_calls("restrictChatMember")
        assert int(muted["user_id"]) == BUDI["id"]
        assert int(muted["until_date"]) == tg.world.now() + 600


async def test_the_moderators_hear_when_the_bot_loses_its_rights(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        bot = tg.world.bot
        tg.world.set_status(GROUP, bot, "member", OWNER)
        await tg.settle()
        rights = tp.admin_rights(can_restrict_members=False)
        tg.world.set_status(GROUP, bot, "administrator", OWNER, rights=rights)
        await tg.settle()
        alerts = [c["text"] for c in tg.fake.ok_calls("sendMessage") if int(c["chat_id"]) == MODS]
        assert alerts == [
            text("id", "alert.rights_lost", chat="Warung Kode"),
            text(
                "id",
                "alert.rights_missing",
                chat="Warung Kode",
                rights=text("id", "alert.right_restrict"),
            ),
        ]
        assert tg.world.status(GROUP, BOT_ID) == "administrator"


async def test_a_ban_made_by_hand_in_telegram_becomes_a_case(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        tg.world.set_status(GROUP, BUDI, "kicked", OWNER)
        await tg.settle()
        assert await tg.cases() == [("ban", str(BUDI["id"]))]
        assert await tg.actions() == [], "recorded, never applied again"
        (actor,) = await tg.rows("SELECT actor FROM cases")
        assert actor == (str(OWNER["id"]),)
