"""Telegram failing under the bot: rate limits, server errors, lost answers, missing rights.

Whatever Telegram does, no action is lost or applied twice, and after a reconcile nothing is
left pending. Retry-after values are sub-second, so the whole file runs in seconds.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from tests.platforms.telegram_fake import Fault
from tests.platforms.telegram_harness import (
    AYU,
    EKO,
    FAJAR,
    GITA,
    GROUP,
    MODS,
    SARI,
    Telegram,
    telegram_bot,
)
from tests.platforms.telegram_payloads import photo

OUTCOMES = {"slurs": {"delete": True, "sanction": "warn"}}
STORM = Fault(429, retry_after=0.05)


async def story(tg: Telegram) -> list[int]:
    """Three slurs (the third times out), a flood, a grey-band message a moderator decides.
    Returns the ids of the messages that must end up deleted."""
    gone = [
        tg.world.say(GROUP, EKO, "dasar faggot")["message_id"],
        tg.world.say(GROUP, EKO, "kamu f4gg0t")["message_id"],
        tg.world.say(GROUP, EKO, caption="faggot", photo=photo())["message_id"],
    ]
    await tg.settle()
    for word in ("satu", "dua", "tiga", "empat", "lima"):
        last = tg.world.say(GROUP, FAJAR, word)
        await tg.settle()
    gone.append(last["message_id"])
    gone.append(tg.world.say(GROUP, GITA, "dasar idiot")["message_id"])
    await tg.settle()
    notice = tg.world.last_from_bot(MODS)
    tg.world.press(MODS, notice["message_id"], AYU, "esc:1:timeout:1h")
    await tg.settle()
    return gone


async def holds(tg: Telegram, gone: list[int]) -> None:
    """Every action landed exactly once, whatever happened on the way."""
    await tg.reconcile()
    actions = await tg.actions()
    assert [s for *_, s, _ in actions if s not in ("applied", "moot")] == []
    assert [(d, int(u)) for d, u in await tg.cases()] == [
        ("warn", EKO["id"]),
        ("warn", EKO["id"]),
        ("timeout", EKO["id"]),
        ("timeout", FAJAR["id"]),
        ("escalate", GITA["id"]),
        ("timeout", GITA["id"]),
    ]
    deleted = Counter(int(c["message_id"]) for c in tg.fake.ok_calls("deleteMessage"))
    assert set(deleted) <= set(gone) and max(deleted.values()) == 1
    assert not set(gone) & set(tg.world.chats[GROUP].messages)
    warned = Counter(
        e["user"]["id"]
        for c in tg.fake.ok_calls("sendMessage")
        for e in c.get("entities") or []
        if int(c["chat_id"]) == GROUP
    )
    assert warned == {EKO["id"]: 3, FAJAR["id"]: 1, GITA["id"]: 1}
    for person in (EKO, FAJAR, GITA):
        assert tg.world.status(GROUP, person["id"]) == "restricted"


async def test_no_faults_is_the_baseline(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path, outcomes=OUTCOMES) as tg:
        await holds(tg, await story(tg))


async def test_a_429_storm_on_sends_and_deletes_at_once_is_ridden_out(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path, outcomes=OUTCOMES) as tg:
        for method in ("sendMessage", "deleteMessage", "restrictChatMember"):
            tg.fake.fail(method, STORM, STORM, STORM)
        started = time.monotonic()
        gone = await story(tg)
        took = time.monotonic() - started
        storms = [c for c in tg.fake.calls if c.status == 429]
        assert len(storms) == 9, "each storm was met, and retried by PTB's rate limiter"
        await holds(tg, gone)
        assert [s for *_, s, _ in await tg.actions()] == ["applied"] * 13
        assert took < 3, f"sub-second retry_after keeps it quick ({took:.2f}s)"


async def test_a_storm_longer_than_the_limiter_retries_leaves_it_to_the_executor(
    tmp_path: Path,
) -> None:
    async with telegram_bot(tmp_path, outcomes=OUTCOMES) as tg:
        tg.fake.fail("deleteMessage", *[STORM] * 5)
        slur = tg.world.say(GROUP, EKO, "dasar faggot")
        await tg.settle()
        kinds = [(k, s) for k, _, _, s, _ in await tg.actions()]
        assert kinds == [("delete", "pending"), ("warn", "applied")]
        assert await tg.reconcile() == 1
        assert [s for *_, s, _ in await tg.actions()] == ["applied", "applied"]
        assert [int(c["message_id"]) for c in tg.fake.ok_calls("deleteMessage")] == [
            slur["message_id"]
        ]


@pytest.mark.parametrize(
    "burst",
    [
        [Fault(500), Fault(502, html=True)],
        [Fault(503), Fault(500), Fault(502, html=True)],
    ],
    ids=["two", "three"],
)
async def test_server_error_bursts_lose_nothing(tmp_path: Path, burst: list[Fault]) -> None:
    async with telegram_bot(tmp_path, outcomes=OUTCOMES) as tg:
        for method in ("sendMessage", "deleteMessage", "restrictChatMember", "editMessageText"):
            tg.fake.fail(method, *burst)
        gone = await story(tg)
        pending = [k for k, _, _, s, _ in await tg.actions() if s == "pending"]
        assert pending, "the failed calls wait for the executor's retry"
        await holds(tg, gone)
        assert "Ayu" in tg.world.last_from_bot(MODS)["text"], "the notice was edited"


async def test_a_message_already_deleted_is_moot_and_the_rest_still_happens(
    tmp_path: Path,
) -> None:
    async with telegram_bot(tmp_path, outcomes=OUTCOMES) as tg:
        tg.fake.fail("deleteMessage", Fault(400, "Bad Request: message to delete not found"))
        tg.world.say(GROUP, EKO, "dasar faggot")
        await tg.settle()
        assert [(k, s) for k, _, _, s, _ in await tg.actions()] == [
            ("delete", "moot"),
            ("warn", "applied"),
        ]
        assert await tg.reconcile() == 0


async def test_a_lost_answer_is_retried_and_finds_the_message_gone(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path, {"telegram": {"read_timeout": 0.3}}) as tg:
        tg.fake.fail("deleteMessage", Fault(200, delay=0.6))  # done, but answered too late
        slur = tg.world.say(GROUP, EKO, "dasar faggot")
        await tg.settle()
        assert [(k, s) for k, _, _, s, _ in await tg.actions()][0] == ("delete", "pending")
        await tg.fake.wait_for("deleteMessage")
        assert slur["message_id"] not in tg.world.chats[GROUP].messages
        await tg.reconcile()
        assert [(k, s) for k, _, _, s, _ in await tg.actions()][0] == ("delete", "moot")
        assert len(tg.fake.ok_calls("deleteMessage")) == 1


async def test_missing_rights_are_told_to_the_moderators_once(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        refusal = Fault(400, "Bad Request: not enough rights to restrict/unrestrict chat member")
        tg.fake.fail("restrictChatMember", refusal, refusal)
        tg.world.say(GROUP, EKO, "dasar faggot")
        tg.world.say(GROUP, SARI, "kamu faggot")
        await tg.settle()
        statuses = [(k, s) for k, _, _, s, _ in await tg.actions()]
        assert statuses.count(("timeout", "failed")) == 2
        alerts = [c["text"] for c in tg.fake.ok_calls("sendMessage") if int(c["chat_id"]) == MODS]
        assert len(alerts) == 1
        assert alerts[0].startswith("Aku tidak bisa membisukan anggota")
        assert "not enough rights" in alerts[0].lower()


async def test_polling_survives_a_server_error_on_get_updates(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        tg.fake.fail("getUpdates", Fault(502, html=True))
        tg.world.say(GROUP, SARI, "halo")  # flushes the poll in flight; the next one fails
        await tg.settle()
        started = time.monotonic()
        slur = tg.world.say(GROUP, EKO, "dasar faggot")
        await tg.settle()
        assert slur["message_id"] not in tg.world.chats[GROUP].messages
        assert time.monotonic() - started < 3, "polling resumed after the failed poll"


async def test_a_403_is_a_refusal_never_retried(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path, outcomes=OUTCOMES) as tg:
        kicked = Fault(403, "Forbidden: bot was kicked from the supergroup chat")
        tg.fake.fail("deleteMessage", kicked)
        tg.world.say(GROUP, EKO, "dasar faggot")
        await tg.settle()
        assert await tg.reconcile() == 0
        assert [(k, s) for k, _, _, s, _ in await tg.actions()] == [
            ("delete", "failed"),
            ("warn", "applied"),
        ]
        (alert,) = [c["text"] for c in tg.fake.ok_calls("sendMessage") if int(c["chat_id"]) == MODS]
        assert alert.startswith("Aku tidak bisa menghapus pesan") and "kicked" in alert
