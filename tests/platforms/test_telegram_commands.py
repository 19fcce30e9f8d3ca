"""Commands, menus, replies and what the bot posts, as members and moderators see them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.commands import COMMANDS
from bot.i18n import text
from tests.platforms import telegram_payloads as tp
from tests.platforms.telegram_harness import AYU, BUDI, EKO, GROUP, RINA, SARI, telegram_bot


def texts_sent(tg) -> list[str]:  # type: ignore[no-untyped-def]
    return [c["text"] for c in tg.fake.ok_calls("sendMessage")]


async def test_the_command_menu_is_registered_in_english_and_indonesian(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        menus = {
            (m["scope"]["type"], m.get("language_code")): {
                c["command"]: c["description"] for c in m["commands"]
            }
            for m in tg.world.menus
        }
        members = {"rules", "report", "help", "link"}
        assert set(menus) == {
            ("all_group_chats", None),
            ("all_group_chats", "id"),
            ("all_chat_administrators", None),
            ("all_chat_administrators", "id"),
        }
        assert set(menus[("all_group_chats", "id")]) == members
        assert set(menus[("all_chat_administrators", None)]) == set(COMMANDS)
        assert menus[("all_group_chats", "id")]["rules"] == text("id", "command.rules")
        assert menus[("all_chat_administrators", None)]["ban"] == text("en", "command.ban")


async def test_rules_are_answered_in_the_community_language(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        asked = tg.world.say(GROUP, SARI, "/rules")
        tg.world.say(GROUP, SARI, "/rules@some_other_bot")
        tg.world.say(GROUP, SARI, "/rules@modbot_test_bot")
        await tg.settle()
        first, second = tg.fake.ok_calls("sendMessage")
        assert first["text"].startswith("Pedoman Warung Kode:\n1. Hormati semua orang:")
        assert first["reply_parameters"]["message_id"] == asked["message_id"]
        assert second["text"] == first["text"], "a command for another bot is not ours"


async def test_moderators_act_by_reply_or_by_id_and_times_stay_in_telegrams_window(
    tmp_path: Path,
) -> None:
    async with telegram_bot(tmp_path) as tg:
        said = tg.world.say(GROUP, BUDI, "hai")
        now = tg.world.now()
        tg.world.say(GROUP, AYU, "/timeout 10s ngeyel", reply_to=said["message_id"])
        tg.world.say(GROUP, AYU, f"/kick {EKO['id']} pindah grup")
        tg.world.say(GROUP, AYU, f"/ban {SARI['id']} 2d spam")
        await tg.settle()
        (muted,) = tg.fake.ok_calls("restrictChatMember")
        assert int(muted["user_id"]) == BUDI["id"]
        assert int(muted["until_date"]) == now + 35, "Telegram reads under 30 s as forever"
        assert [int(c["user_id"]) for c in tg.fake.ok_calls("banChatMember")] == [
            EKO["id"],
            SARI["id"],
        ]
        (unbanned,) = tg.fake.ok_calls("unbanChatMember")
        assert int(unbanned["user_id"]) == EKO["id"] and unbanned["only_if_banned"] == "true"
        assert tg.world.status(GROUP, EKO["id"]) == "left"
        assert tg.world.status(GROUP, SARI["id"]) == "kicked"
        tg.world.say(GROUP, AYU, f"/unban {SARI['id']}")
        await tg.settle()
        assert tg.world.status(GROUP, SARI["id"]) == "left"
        assert texts_sent(tg)[-1] == text("id", "cmd.unbanned", user="Sari", case=4)


async def test_a_private_answer_removes_itself(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path, {"telegram": {"private_reply_ttl": 0.2}}) as tg:
        tg.world.say(GROUP, SARI, "/help")
        await tg.settle()
        (answer,) = tg.world.sent_by_bot(GROUP)
        assert answer["text"] == text("id", "members.help")
        await tg.fake.wait_for("deleteMessage")
        assert [int(c["message_id"]) for c in tg.fake.ok_calls("deleteMessage")] == [
            answer["message_id"]
        ]


async def test_the_greeting_removes_itself_and_the_next_one_replaces_it(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path, {"welcome": {"delete_after": 0.3}}) as tg:
        tg.world.join(GROUP, RINA)
        await tg.settle()
        first = tg.world.last_from_bot(GROUP)
        tg.world.join(GROUP, tp.user(302, "Tono"))
        await tg.settle()
        second = tg.world.last_from_bot(GROUP)
        assert first["message_id"] in tg.world.chats[GROUP].deleted, "cleanup_previous"
        await asyncio.sleep(0.5)
        assert second["message_id"] in tg.world.chats[GROUP].deleted, "delete_after"
        assert tg.world.sent_by_bot(GROUP) == []


async def test_replies_in_a_forum_topic_stay_in_the_topic(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        tg.world.chats[GROUP].data["is_forum"] = True
        asked = tg.world.say(GROUP, SARI, "di mana aturannya?", topic=7)
        tg.world.say(GROUP, EKO, "dasar faggot", topic=7)
        await tg.settle()
        tg.world.join(GROUP, RINA, change=False)  # the service message is in General
        await tg.settle()
        answer, warning, greeting = tg.fake.ok_calls("sendMessage")
        assert answer["message_thread_id"] == "7" and warning["message_thread_id"] == "7"
        assert answer["reply_parameters"]["message_id"] == asked["message_id"]
        assert "message_thread_id" not in greeting, "a greeting goes to General"


async def test_in_a_topic_the_topics_first_message_is_no_reply(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        chat = tg.world.chats[GROUP]
        chat.data["is_forum"] = True
        root = tg.world.store(chat, {"date": tg.world.now(), "chat": chat.data, "from": SARI})
        root["forum_topic_created"] = {"name": "Bantuan", "icon_color": 7322096}
        topic = root["message_id"]
        tg.world.say(GROUP, AYU, "/ban spam", reply_to=topic, topic=topic)
        await tg.settle()
        assert tg.fake.ok_calls("banChatMember") == []
        assert texts_sent(tg) == [text("id", "authz.target_needed", command="ban")]


async def test_hostile_names_are_plain_text_and_ping_nobody(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        names = ["<b>Bos</b> *_[x](http://evil.example)", "🔥Sari🔥 @everyone", "`` <i>"]
        for number, name in enumerate(names):
            rude = tg.world.add(GROUP, tp.user(6000 + number, name))
            tg.world.say(GROUP, rude, "dasar faggot")
        await tg.settle()
        warnings = tg.fake.ok_calls("sendMessage")
        assert len(warnings) == 3, "Telegram accepted every one"
        for warning, name in zip(warnings, names, strict=True):
            assert "parse_mode" not in warning
            (entity,) = warning["entities"]
            shown = warning["text"].encode("utf-16-le")[: entity["length"] * 2].decode("utf-16-le")
            assert entity["offset"] == 0 and shown.replace("\u200b", "") == name
        assert "@\u200beveryone" in warnings[1]["text"]


async def test_a_command_is_judged_and_not_run_when_it_breaks_the_rules(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        rude = tg.world.say(GROUP, EKO, "/rules dasar faggot")
        await tg.settle()
        assert [int(c["message_id"]) for c in tg.fake.ok_calls("deleteMessage")] == [
            rude["message_id"]
        ]
        (warning,) = texts_sent(tg)
        assert warning.startswith("Eko: ") and "Pedoman" not in warning
