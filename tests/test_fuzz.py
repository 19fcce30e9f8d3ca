"""A short fuzzing run in the suite: hypothesis feeds hostile inputs to the normaliser, the
rule engine, the pattern compiler, replay's input parser and both conversions (targets in
tests/fuzz_targets.py). `python bench/fuzz.py` runs the same targets for long."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz_targets import TARGETS, check_rules, check_telegram

EXAMPLES = int(os.environ.get("MODBOT_FUZZ_EXAMPLES", "250"))


def run_target(
    check: Any, strategies: tuple[Any, ...], examples: int, derandomize: bool = True
) -> int:
    """Run one target for `examples` inputs; returns how many ran (it raises on a crash).
    The suite's short run is derandomized (the same inputs every time, so a red run is a
    real finding, never a flake); the long run in bench/fuzz.py draws new ones."""
    ran = [0]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.tuples(*strategies))
    def fuzz(args: tuple[Any, ...]) -> None:
        ran[0] += 1
        check(*args)

    fuzz()
    return ran[0]


@pytest.mark.parametrize("name", list(TARGETS))
def test_hostile_inputs_never_crash(name: str) -> None:
    check, strategies = TARGETS[name]
    started = time.perf_counter()
    ran = run_target(check, strategies, EXAMPLES)
    print(f"\n[fuzz] {name}: {ran} inputs in {time.perf_counter() - started:.1f} s, 0 crashes")
    assert ran >= EXAMPLES // 2


def test_what_the_fuzzer_found_stays_fixed() -> None:
    """A reported link that is no URL (`http://[`) was a rule error on every link rule; a
    Telegram entity that splits a UTF-16 pair made PTB's entity parser raise, and the
    message went unjudged; a user without a first name broke the member's display name."""
    check_rules("look", ["http://[", "["], [], [], None)
    check_telegram(
        {
            "message_id": 1,
            "date": 0,
            "chat": {"id": -100, "type": "supergroup"},
            "from": {"id": 7, "is_bot": False, "first_name": ""},
            "text": "😀 discord.gg/raid",
            "entities": [{"type": "url", "offset": 1, "length": 18}],
        },  # fmt: skip
        "/ban@modbot",
    )
