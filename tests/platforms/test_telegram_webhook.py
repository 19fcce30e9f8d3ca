"""Webhook mode: Telegram posts updates to PTB's server; nothing else gets through."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.platforms.telegram_harness import EKO, GROUP, SARI, Telegram, telegram_bot


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def webhook_settings() -> dict[str, object]:
    port = free_port()
    hook = {"listen": "127.0.0.1", "port": port, "path": "tg-hook"}
    hook["url"] = f"http://127.0.0.1:{port}/tg-hook"
    return {"telegram": {"mode": "webhook", "webhook": hook}}


def forged_update(tg: Telegram, update_id: int) -> bytes:
    """A slur from a member, as Telegram would post it (but not sent by Telegram)."""
    message = {
        "message_id": 9000 + update_id,
        "date": tg.world.now(),
        "chat": tg.world.chats[GROUP].data,
        "from": EKO,
        "text": "dasar faggot",
    }
    tg.world.chats[GROUP].messages[message["message_id"]] = message
    return json.dumps({"update_id": update_id, "message": message}).encode()


async def test_updates_arrive_by_webhook_with_the_secret(tmp_path: Path) -> None:
    async with telegram_bot(tmp_path, webhook_settings()) as tg:
        (hook,) = tg.fake.ok_calls("setWebhook")
        assert hook["url"].endswith("/tg-hook") and len(hook["secret_token"]) >= 32
        assert "chat_member" in hook["allowed_updates"]
        assert tg.fake.ok_calls("getUpdates") == [], "no polling in webhook mode"
        slur = tg.world.say(GROUP, EKO, "dasar faggot")
        await tg.settle()
        assert slur["message_id"] not in tg.world.chats[GROUP].messages
        assert tg.world.status(GROUP, EKO["id"]) == "restricted"
        assert tg.fake.webhook_statuses == [200, 200], "the message, then the mute's update"


@pytest.mark.parametrize(
    ("secret", "body", "content_type", "status"),
    [
        ("forged", None, "application/json", 403),
        (None, None, "application/json", 403),
        ("right", b"{not json", "application/json", 500),
        ("right", b'{"hello": "world"}', "application/json", 400),
        ("right", None, "text/plain", 403),
    ],
    ids=["wrong-secret", "no-secret", "malformed-json", "not-an-update", "not-json"],
)
async def test_a_forged_or_malformed_post_never_reaches_the_core(
    tmp_path: Path, secret: str | None, body: bytes | None, content_type: str, status: int
) -> None:
    async with telegram_bot(tmp_path, webhook_settings()) as tg:
        real = tg.fake.webhook["secret"]
        sent = body if body is not None else forged_update(tg, 500)
        given = real if secret == "right" else secret
        assert await tg.fake.post_webhook(sent, given, content_type) == status
        assert await tg.fake.post_webhook(forged_update(tg, 501), real + "x") == 403
        asked = tg.world.say(GROUP, SARI, "di mana aturannya?")  # a real one, afterwards
        await tg.settle()
        assert await tg.cases() == []
        assert tg.fake.ok_calls("deleteMessage") == []
        (answer,) = tg.fake.ok_calls("sendMessage")
        assert answer["reply_parameters"]["message_id"] == asked["message_id"]
