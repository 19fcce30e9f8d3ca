"""Restarts and redeliveries: every update is acted on at most once."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from tests.platforms import telegram_payloads as tp
from tests.platforms.telegram_fake import Fault
from tests.platforms.telegram_harness import GROUP, Telegram, telegram_bot

BURST = 40


def burst(tg: Telegram) -> list[int]:
    """Forty members post once each; every fourth message swears. Returns those ids."""
    swearing = []
    for n in range(BURST):
        who = tg.world.add(GROUP, tp.user(5000 + n, f"Anggota {n}"))
        rude = n % 4 == 0
        said = tg.world.say(GROUP, who, f"anjing {n}" if rude else f"halo {n}")
        if rude:
            swearing.append(said["message_id"])
    return swearing


async def handled_at_least(tg: Telegram, count: int) -> None:
    async with asyncio.timeout(5):
        while True:
            if tg.adapter.handled >= count:
                return
            await asyncio.sleep(0.002)


async def test_a_restart_in_the_middle_of_a_burst_handles_every_update_once(
    tmp_path: Path,
) -> None:
    async with telegram_bot(tmp_path) as tg:
        tg.fake.page = 8
        tg.fake.fail("getUpdates", *[Fault(200, delay=0.1)] * 4)  # Telegram is slow today
        swearing = burst(tg)
        await handled_at_least(tg, 12)
        await tg.restart()
        fetched_before = len(tg.fake.served)
        await tg.settle()
        await tg.stop()  # the health counters are written on the way out
        assert fetched_before < BURST, "the restart came while updates were still waiting"
        assert set(tg.fake.served) == set(range(1, BURST + 1)), "none was lost"
        (counted,) = await tg.rows("SELECT SUM(messages) FROM activity_days")
        assert counted == (BURST,), "the health figures saw each message exactly once"
        deleted = [int(c["message_id"]) for c in tg.fake.ok_calls("deleteMessage")]
        assert sorted(deleted) == swearing
        assert len(await tg.cases()) == len(swearing)


async def test_updates_redelivered_after_a_crash_act_on_nothing_twice(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        swearing = burst(tg)
        await tg.settle()
        cases, calls = await tg.cases(), len(tg.fake.calls)
        await tg.restart()  # a fresh process remembers no update ids
        tg.fake.redeliver(since=1)  # as if the offset had never reached Telegram
        await tg.settle()
        assert Counter(tg.fake.served)[1] == 2, "the updates did come again"
        assert await tg.cases() == cases
        deleted = [int(c["message_id"]) for c in tg.fake.ok_calls("deleteMessage")]
        assert sorted(deleted) == swearing, "nothing deleted twice"
        assert [s for *_, s, _ in await tg.actions()] == ["applied"] * (2 * len(swearing))
        assert len(tg.fake.calls) > calls


async def test_an_update_that_comes_twice_is_handled_once(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path) as tg:
        asker = tg.world.add(GROUP, tp.user(5999, "Tanya"))
        asked = tg.world.say(GROUP, asker, "di mana aturannya?")
        await tg.settle()
        tg.fake.redeliver(since=tg.fake.last_update_id)  # as a webhook post retried
        await tg.settle()
        await tg.stop()
        assert Counter(tg.fake.served)[tg.fake.last_update_id] == 2
        (counted,) = await tg.rows("SELECT SUM(messages) FROM activity_days")
        assert counted == (1,), "the health figures saw the message once"
        answers = [c for c in tg.fake.ok_calls("sendMessage") if int(c["chat_id"]) == GROUP]
        assert [a["reply_parameters"]["message_id"] for a in answers] == [asked["message_id"]]
