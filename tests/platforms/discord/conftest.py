"""The `fake_discord` fixture: a fresh fake per test, with discord.py pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
import yarl

from tests.platforms.discord.fake_discord import FakeDiscord


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """The fake, with `Route.BASE` and `DEFAULT_GATEWAY` patched (restored after the test).

    Fails the test if discord.py called a route the fake does not serve, or a route crashed.
    """
    async with FakeDiscord() as fake:
        monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
        gateway = yarl.URL(fake.gateway_url)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", gateway)
        yield fake
    assert not fake.gaps, f"discord.py called routes the fake does not serve: {fake.gaps}"
    crashes = fake.rest.crashes + fake.gateway.crashes
    assert not crashes, f"the fake crashed: {crashes}"
