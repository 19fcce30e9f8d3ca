"""The toxicity stage: acts above the line, asks humans in the grey band, never blocks the rules."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.conftest import read_cases
from tests.helpers import build_core

POLICY = """
[model]
backend = "double"
timeout = "{timeout}"
params = {{ toxic = ["toxicmarker"], grey = ["greymarker"], delay = {delay}, fail = {fail} }}
[[guidelines]]
id = "respect"
title = {{ en = "Respect everyone", id = "Hormati semua orang" }}
text = {{ en = "Be kind.", id = "Bersikap baik." }}
[[rules]]
name = "toxic"
type = "toxicity"
guideline = "respect"
params = {{ label = "toxicity", act_at = 0.9, escalate_at = 0.7 }}
on_match = {{ delete = true, sanction = "warn" }}
[[rules]]
name = "invites"
type = "invites"
guideline = "respect"
"""


def policy(timeout: str = "2s", delay: float = 0.0, fail: str = "false") -> str:
    return POLICY.format(timeout=timeout, delay=delay, fail=fail)


async def test_a_toxic_message_is_acted_on_and_its_scores_kept(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "a.db", policy())
    decision = await core.say("you toxicmarker")
    assert decision.label == "warn"
    (case,) = await read_cases(core.config)
    assert case.rules == ("toxic",)
    await core.close()


async def test_the_grey_band_goes_to_humans_and_nothing_is_deleted(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "a.db", policy())
    decision = await core.say("hmm greymarker")
    assert decision.label == "escalate" and decision.escalate and not decision.delete
    assert core.fake.calls == []
    await core.close()


async def test_a_broken_model_leaves_the_other_rules_working(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "a.db", policy(fail="true"))
    decision = await core.say("toxicmarker, join discord.gg/spam")
    assert decision.label == "warn" and [h.rule for h in decision.hits] == ["invites"]
    await core.close()


async def test_a_hanging_model_times_out_without_stalling_the_loop(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "a.db", policy(timeout="1s", delay=5))
    lags: list[float] = []
    stop = asyncio.Event()

    async def watch_lag() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - before - 0.01)

    watcher = asyncio.create_task(watch_lag())
    decision = await core.say("toxicmarker and discord.gg/spam")
    assert [h.rule for h in decision.hits] == ["invites"]
    print(f"max loop lag while the model hung: {max(lags) * 1000:.1f} ms")
    assert max(lags) < 0.5
    stop.set()
    await watcher
    await core.close()


LAGGY = """
[model]
backend = "double"
timeout = "1s"
batch_size = 4
params = {{ toxic = ["toxicmarker"], delay = {delay}, fail = {fail} }}
[[guidelines]]
id = "respect"
title = {{ en = "Respect everyone", id = "Hormati semua orang" }}
text = {{ en = "Be kind.", id = "Bersikap baik." }}
[[rules]]
name = "toxic"
type = "toxicity"
guideline = "respect"
scope = {{ channels = ["scored"] }}
[[rules]]
name = "invites"
type = "invites"
guideline = "respect"
"""


@pytest.mark.parametrize(
    ("delay", "fail"),
    [(5, "false"), (0, "true"), (0.4, "false")],
    ids=["hangs", "raises", "saturated"],
)
async def test_rule_only_messages_are_decided_while_the_model_is_down(
    tmp_path: Path, delay: float, fail: str
) -> None:
    core = await build_core(tmp_path / "a.db", LAGGY.format(delay=delay, fail=fail))
    lags: list[float] = []
    sampling = asyncio.Event()

    async def watch_lag() -> None:
        while not sampling.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - before - 0.005)

    watcher = asyncio.create_task(watch_lag())
    tasks = []
    for i in range(120):  # a flood of 500 messages a second while the model is down
        for msg in (
            core.fake.message(f"toxicmarker {i}", channel="scored"),
            core.fake.message(f"join discord.gg/raid{i}", author=f"u{i}"),
        ):
            tasks.append(asyncio.create_task(core.core.on_message(msg)))
            await asyncio.sleep(0.002)
    decisions = await asyncio.gather(*tasks)
    sampling.set()
    await watcher
    labels = [d.label for d in decisions]
    assert labels[1::2] == ["warn"] * 120  # every rule-only message decided
    assert all(label in ("allow", "warn") for label in labels[::2])
    print(
        f"model {['hangs', 'raises', 'is saturated'][[5, 0, 0.4].index(delay)]}: "
        f"240 messages, max loop lag {max(lags) * 1000:.1f} ms"
    )
    assert max(lags) < 0.1
    await core.close()
