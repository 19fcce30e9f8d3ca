"""The check every Discord test can end with: nothing the bot sent could ping @everyone,
@here or a role, and no body went out without `allowed_mentions`."""

from __future__ import annotations

import re
from typing import Any

from tests.platforms.discord.fake_discord import FakeDiscord

MASS = re.compile(r"[@＠﹫](everyone|here)\b|<@&\d+>", re.IGNORECASE)
BODY_KEYS = ("content", "embeds", "components")


def bodies(fake: FakeDiscord) -> list[tuple[str, dict[str, Any]]]:
    """(method path, message body) of every POST and PATCH the bot made that carried one:
    channel messages and their edits, interaction answers, followups and their edits."""
    found = []
    for call in fake.calls:
        if call.method not in ("POST", "PATCH") or not isinstance(call.json, dict):
            continue
        body = call.json.get("data") if "/interactions/" in call.path else call.json
        if isinstance(body, dict) and any(key in body for key in BODY_KEYS):
            found.append((f"{call.method} {call.path}", body))
    return found


def check_no_mass_pings(fake: FakeDiscord) -> int:
    """Fails the test on any body without `allowed_mentions`, any that lets @everyone, @here
    or roles through, any unbroken mass or role mention in content, and any bot message that
    really pinged more than members. Returns how many bodies were checked."""
    checked = bodies(fake)
    for where, body in checked:
        allowed = body.get("allowed_mentions")
        assert allowed is not None, f"{where} sent no allowed_mentions: {body}"
        assert not {"everyone", "roles"} & set(allowed.get("parse", [])), f"{where}: {allowed}"
        assert not allowed.get("roles"), f"{where} may ping roles: {allowed}"
        assert not MASS.search(body.get("content") or ""), f"{where}: {body.get('content')!r}"
    bot_id = str(fake.world.bot.id)
    for message in fake.world.messages.values():
        if message["author"]["id"] == bot_id:
            pinged = fake.pings(message)
            assert not pinged["everyone"] and not pinged["roles"], (message["content"], pinged)
    return len(checked)
