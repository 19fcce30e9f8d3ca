"""The fake Bot API answers like Telegram, so the adapter's tests mean something."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from tests.helpers import Clock
from tests.platforms import telegram_payloads as tp
from tests.platforms.telegram_fake import FakeTelegram, Fault
from tests.platforms.telegram_harness import GROUP, SARI, TOKEN, populate
from tests.platforms.telegram_world import World


async def call(
    fake: FakeTelegram, method: str, token: str = TOKEN, **form: str
) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http:
        url = f"{fake.base_url}/bot{token}/{method}"
        async with http.post(url, data=form) as answer:
            return answer.status, await answer.json()


async def test_envelopes_tokens_and_unknown_methods() -> None:
    async with FakeTelegram(World(Clock()), TOKEN) as fake:
        assert fake.base_url.startswith("http://127.0.0.1:")
        status, body = await call(fake, "getMe")
        assert status == 200 and body["ok"] is True and body["result"]["is_bot"] is True
        assert await call(fake, "getMe", token="1:wrong") == (
            401,
            {"ok": False, "error_code": 401, "description": "Unauthorized"},
        )
        status, body = await call(fake, "sendSticker")
        assert (status, body["description"]) == (404, "Not Found: method not found")


async def test_form_values_are_strings_and_nested_objects_json_text() -> None:
    world = World(Clock())
    populate(world)
    async with FakeTelegram(world, TOKEN) as fake:
        markup = {"inline_keyboard": [[{"text": "Ban", "callback_data": "esc:1:ban"}]]}
        status, body = await call(
            fake, "sendMessage", chat_id=str(GROUP), text="halo", reply_markup=json.dumps(markup)
        )
        assert status == 200 and body["result"]["reply_markup"] == markup
        too_long = {"inline_keyboard": [[{"text": "x", "callback_data": "e" * 65}]]}
        status, body = await call(
            fake, "sendMessage", chat_id=str(GROUP), text="x", reply_markup=json.dumps(too_long)
        )
        assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_faults_come_in_order_and_telegram_errors_read_like_telegrams() -> None:
    world = World(Clock())
    populate(world)
    async with FakeTelegram(world, TOKEN) as fake:
        fake.fail("deleteMessage", Fault(429, retry_after=0.2), Fault(502, html=True))
        status, body = await call(fake, "deleteMessage", chat_id=str(GROUP), message_id="1")
        assert status == 429 and body["parameters"] == {"retry_after": 0.2}
        async with aiohttp.ClientSession() as http:
            url = f"{fake.base_url}/bot{TOKEN}/deleteMessage"
            async with http.post(url, data={"chat_id": str(GROUP), "message_id": "1"}) as page:
                assert page.status == 502 and "<html>" in await page.text()
        status, body = await call(fake, "deleteMessage", chat_id=str(GROUP), message_id="1")
        assert (status, body["description"]) == (400, "Bad Request: message to delete not found")
        status, body = await call(fake, "getChatMember", chat_id=str(GROUP), user_id="99")
        assert (status, body["description"]) == (400, "Bad Request: user not found")


async def test_long_polling_honours_offsets_and_allowed_updates() -> None:
    world = World(Clock())
    populate(world)
    async with FakeTelegram(world, TOKEN) as fake:
        world.join(GROUP, tp.user(7, "Baru"))  # a service message and a chat_member update
        world.say(GROUP, SARI, "halo")
        _, first = await call(fake, "getUpdates", timeout="0")
        assert [("chat_member" in u) for u in first["result"]] == [False, False]
        _, again = await call(fake, "getUpdates", timeout="0", allowed_updates='["chat_member"]')
        assert [u["update_id"] for u in again["result"]] == [2]
        _, after = await call(fake, "getUpdates", timeout="0", offset="4")
        assert after["result"] == []
