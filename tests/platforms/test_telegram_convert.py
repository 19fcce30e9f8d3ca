"""The pure parts of the adapter: PTB objects to core events, and what the bot renders."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram import Message, MessageEntity

from adapters.redact import Redactor
from adapters.telegram import convert
from adapters.telegram.actions import within_window
from adapters.telegram.limits import ModerationLimiter
from adapters.telegram.ui import clip, keyboard, mention, utf16_len
from bot.actions import Button, gate_of, vote_of
from bot.events import Member
from tests.platforms import telegram_payloads as tp

GROUP = tp.chat(-100123, "Grup")
SARI = tp.user(201, "Sari")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def message(**fields: Any) -> Message:
    data = {"message_id": 5, "date": int(NOW.timestamp()), "chat": GROUP, "from": SARI}
    return Message.de_json({**data, **fields}, None)


def author() -> Member:
    user = message(text="x").from_user
    assert user is not None
    return convert.member(user, GROUP["id"])


def test_every_text_surface_is_judged() -> None:
    said = message(
        caption="lihat ini",
        photo=tp.photo(),
        poll=tp.poll("Siapa paling bodoh?", ["kamu", "dia"]),
        document=tp.document("hadiah.exe"),
    )
    assert convert.message_text(said) == "lihat ini\nSiapa paling bodoh?\nkamu\ndia\nhadiah.exe"
    kinds = [(a.filename, a.kind) for a in convert.attachments(said)]
    assert kinds == [("photo", "image"), ("hadiah.exe", "file")]


def test_hidden_links_mentions_and_forwarded_channels_are_seen() -> None:
    body = "klik di sini ya @budi dan Sari cek t.me/x"
    said = message(
        text=body,
        entities=[
            tp.entity("text_link", body, "di sini", url="https://grabify.link/abc"),
            tp.entity("mention", body, "@budi"),
            tp.entity("text_mention", body, "Sari", user=SARI),
            tp.entity("url", body, "t.me/x"),
        ],
        forward_origin={
            "type": "channel",
            "date": 1,
            "chat": {"id": -1009, "type": "channel", "title": "P", "username": "promo"},
            "message_id": 3,
        },
    )
    assert convert.links(said) == ("https://grabify.link/abc", "t.me/x", "https://t.me/promo")
    assert convert.mentions(said) == ("@budi", "201")


def test_an_edit_keeps_its_message_id_and_is_judged_again_per_text() -> None:
    first = convert.to_message(message(text="halo", edit_date=1), author(), edited=True)
    second = convert.to_message(message(text="halo lagi", edit_date=2), author(), edited=True)
    assert first.message_id == second.message_id == "5"
    assert len({first.key, second.key}) == 2


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"sender_chat": GROUP}, "an anonymous admin"),
        (
            {"sender_chat": tp.chat(-1007, "C", kind="channel"), "is_automatic_forward": True},
            "a post of the linked channel",
        ),
        ({"sender_chat": tp.chat(-1008, "C", kind="channel")}, "a channel identity"),
        ({"from": tp.user(777000, "Telegram")}, "a Telegram service account"),
        ({"from": tp.user(1087968824, "Group", bot=True)}, "a Telegram service account"),
        ({"from": tp.user(136817688, "Channel", bot=True)}, "a Telegram service account"),
        ({}, None),
    ],
)
def test_who_speaks_for_no_member(fields: dict[str, Any], why: str | None) -> None:
    assert convert.impersonal(message(text="x", **fields)) == why


def test_ranks_follow_telegram_statuses() -> None:
    user = message(text="x").from_user
    assert user is not None
    owner, admin, member = (convert.member(user, -1, s) for s in ("creator", "administrator", None))
    assert (owner.rank, admin.rank, member.rank) == (100, 50, 0)
    assert admin.is_moderator and not member.is_moderator
    assert convert.rank("administrator", is_bot=True) == 40, "no bot may restrict an admin"


@pytest.mark.parametrize(
    ("said", "parsed"),
    [
        ("/ban 42 spam", ("ban", ["42", "spam"])),
        ("/Rules@modbot_bot", ("rules", [])),
        ("/rules@other_bot", None),
        ("/", None),
        ("/ spasi", None),
        ("bukan /perintah", None),
    ],
)
def test_commands_are_read_from_the_start_of_a_message(said: str, parsed: Any) -> None:
    assert convert.command(said, "modbot_bot") == parsed


def test_buttons_carry_votes_and_gate_answers() -> None:
    assert vote_of("esc:12:timeout:1h") == (12, "timeout:1h")
    assert vote_of("esc:x:ban") is None and vote_of("gate:ok") is None
    assert gate_of("gate:2") == "gate:2" and gate_of("gate:") is None


def test_timeouts_stay_inside_telegrams_window() -> None:
    assert within_window(NOW + timedelta(seconds=5), NOW) == NOW + timedelta(seconds=35)
    assert within_window(NOW + timedelta(days=400), NOW) == NOW + timedelta(days=365)
    assert within_window(NOW + timedelta(hours=1), NOW) == NOW + timedelta(hours=1)
    assert within_window(NOW - timedelta(seconds=1), NOW) is None


def test_mentions_count_in_utf16_and_names_cannot_ping() -> None:
    text, (entity,) = mention("Selamat datang, 🔥Rina!", [(301, "🔥Rina")])
    assert (entity.offset, entity.length) == (utf16_len("Selamat datang, "), 6)
    text, entities = mention("Jangan begitu.", [(1, "@admin"), (2, "Budi")])
    assert text == "@\u200badmin, Budi: Jangan begitu."
    assert [(e.offset, e.length, e.user.id) for e in entities if e.user] == [(0, 7, 1), (9, 4, 2)]
    assert all(e.type == MessageEntity.TEXT_MENTION for e in entities)


def test_long_texts_are_cut_and_button_data_is_bounded() -> None:
    assert utf16_len(clip("🔥" * 3000)) <= 4096
    assert keyboard([Button("Ban", "esc:1:ban")]) is not None
    with pytest.raises(ValueError, match="64 bytes"):
        keyboard([Button("x", "esc:1:" + "y" * 60)])


def test_the_redactor_masks_the_token_in_every_shape() -> None:
    token = "1234567890:AAH7fakeTokenForTestsOnly_x9Qz-LmNoPqRsT"
    other = "5555555555:BBH7anotherTokenOfTheSameShape_abcdefgh"
    scrub = Redactor([token]).scrub
    assert scrub(f"/bot{token}/getMe") == "/bot<redacted>/getMe"
    assert (
        scrub("/bot1234567890%3AAAH7fakeTokenForTestsOnly_x9Qz-LmNoPqRsT/x") == "/bot<redacted>/x"
    )
    assert scrub(f"leaked {other}") == "leaked <redacted>"


async def test_deletes_never_wait_behind_the_groups_message_budget() -> None:
    limiter = ModerationLimiter(group_max_rate=1, group_time_period=60)
    calls: list[str] = []

    async def call(endpoint: str) -> bool:
        calls.append(endpoint)
        return True

    async def send(endpoint: str) -> Any:
        return await limiter.process_request(
            call, (endpoint,), {}, endpoint, {"chat_id": -100}, None
        )

    await send("sendMessage")
    started = time.monotonic()
    for _ in range(5):
        await send("deleteMessage")
        await send("restrictChatMember")
    assert time.monotonic() - started < 0.5
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(send("sendMessage"), 0.3)
