"""Hostile messages never crash the pipeline, and every one that is acted on has its case."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.fake import FakeAdapter
from bot.actions import Hit
from bot.config import load_config
from bot.events import utcnow
from bot.policy import RULE_ERROR, build_policy
from rules.base import Context, Finding, Recent, Rule, StrictModel, fingerprint
from rules.normalize import normalize
from tests.conftest import read_cases
from tests.helpers import build_core

HOSTILE = [
    "a" * 1_000_000,
    "z" + "\u0336" * 10_000,
    "nul\x00byte\x00s",
    "\u202eevil override\u202c gnirts",
    "lone \ud800 surrogate \udfff",
    "\ufeff\u200b\u200d\u2060" * 500,
    "fuck " * 5000,
    "🇫\u200b🇺\u200b🇨\u200b🇰 " + "😀" * 3000,
    "\n" * 10_000,
    "<@&123> @everyone ＠here " * 100,
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_messages_are_judged_and_recorded(tmp_path: Path, text: str) -> None:
    core = await build_core(tmp_path / "a.db")
    decision = await core.say(text, author="mallory")
    cases = await read_cases(core.config)
    assert len(cases) == (1 if decision.hits else 0)
    if decision.delete:
        assert core.fake.calls[0].kind == "delete"
    await core.close()


class Exploding(Rule):
    Params = StrictModel

    def __init__(self, params: object = None) -> None:
        pass

    def check(self, msg: object, ctx: Context) -> Finding | None:
        raise RuntimeError("boom")


def test_a_rule_that_raises_escalates_to_a_human_and_the_others_still_run() -> None:
    config = load_config()
    policy = build_policy(config, config.community_for("fake", "c1"))
    entry = policy.entries[0]
    broken = type(entry)(
        entry.name, Exploding(), entry.guideline, entry.outcome, entry.scope, False
    )
    policy = replace(policy, entries=(broken, *policy.entries[1:]))
    msg = FakeAdapter().message("join discord.gg/spam")
    decision = policy.evaluate(msg, Context(normalize(msg.text), utcnow()))
    rules = {h.rule for h in decision.hits}
    assert RULE_ERROR in rules and "invites" in rules
    assert decision.escalate and decision.delete
    error = next(h for h in decision.hits if h.rule == RULE_ERROR)
    assert isinstance(error, Hit) and "boom" in error.reason and entry.name in error.reason


UNICODE = st.text(
    alphabet=st.characters(blacklist_categories=(), codec=None),
    max_size=300,
) | st.text(alphabet="fuckanjing@$01 .\u200b\u202e\u0336\ud800\x00🇫🅵ⓕ", max_size=60)


@settings(max_examples=400, deadline=None)
@given(text=UNICODE, earlier=st.lists(UNICODE, max_size=6), score=st.floats(0, 1))
def test_evaluate_always_returns_a_decision_for_any_text(
    text: str, earlier: list[str], score: float
) -> None:
    config = load_config()
    policy = build_policy(config, config.community_for("fake", "c1"))
    msg = FakeAdapter().message(text)
    now = utcnow()
    recent = tuple(Recent(now, "general", fingerprint(normalize(e))) for e in earlier)
    scores = {"toxicity": score}
    decision = policy.evaluate(msg, Context(normalize(text), now, recent, scores))
    assert RULE_ERROR not in {h.rule for h in decision.hits}
    for hit in decision.hits:
        assert 0 <= hit.start <= hit.end <= len(text) or hit.start == -1
