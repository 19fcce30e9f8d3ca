"""`/reload` swaps the policy while the bot runs, and keeps the old one if the new is broken."""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.fake import FakeAdapter
from bot.app import App
from bot.config import load_config
from bot.events import Invocation

POLICY = """
[storage]
url = "sqlite+aiosqlite:///{db}"
[[guidelines]]
id = "g"
title = {{ en = "Be nice", id = "Bersikap baik" }}
text = {{ en = "Be nice.", id = "Bersikap baik." }}
[[rules]]
name = "fruit"
type = "words"
guideline = "g"
params = {{ words = ["{word}"] }}
"""


def reload_by(fake: FakeAdapter, n: int) -> Invocation:
    return Invocation(
        id=f"r{n}",
        platform="fake",
        community_id="c1",
        channel_id="general",
        actor=fake.member("maya", moderator=True),
        command="reload",
    )


async def test_reload_applies_a_good_config_and_refuses_a_broken_one(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(POLICY.format(db=tmp_path / "a.db", word="durian"))
    fake = FakeAdapter()
    app = App(load_config(path), [fake], config_path=path)
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(fake.ready.wait(), 10)

    assert (await fake.deliver(fake.message("durian again"))).label == "warn"
    path.write_text(POLICY.format(db=tmp_path / "a.db", word="rambutan"))
    answer = await fake.core.on_command(reload_by(fake, 1))
    assert answer.text.startswith("Configuration reloaded: policy ")
    assert (await fake.deliver(fake.message("durian again"))).label == "allow"
    assert (await fake.deliver(fake.message("rambutan!"))).label == "warn"

    path.write_text(
        POLICY.format(db=tmp_path / "a.db", word="rambutan") + "\n[bot]\nlanguage = 'fr'\n"
    )
    refused = await fake.core.on_command(reload_by(fake, 2))
    assert "bot.language: must be one of" in refused.text and "kept the old one" in refused.text
    assert (await fake.deliver(fake.message("rambutan!"))).label == "warn"
    fake.close()
    await asyncio.wait_for(task, 10)
