"""Decisions combine like a join, and plan their actions in the order members experience them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.actions import ActionKind, Decision, Hit, Outcome, Sanction, Target
from bot.events import Member, Message

hits = st.builds(
    Hit,
    rule=st.sampled_from(["slurs", "flood", "invites", "rule-error"]),
    guideline=st.sampled_from(["respect", "spam"]),
    reason=st.text(max_size=5),
    start=st.integers(-1, 20),
    end=st.integers(-1, 40),
    shadow=st.booleans(),
)
decisions = st.builds(
    Decision,
    delete=st.booleans(),
    sanction=st.sampled_from(list(Sanction)),
    duration=st.integers(0, 10_000).map(lambda s: timedelta(seconds=s)),
    escalate=st.booleans(),
    hits=st.lists(hits, max_size=3).map(lambda h: tuple(sorted(set(h)))),
)


@given(decisions, decisions)
def test_merge_is_commutative(a: Decision, b: Decision) -> None:
    assert a.merge(b) == b.merge(a)


@given(decisions, decisions, decisions)
def test_merge_is_associative(a: Decision, b: Decision, c: Decision) -> None:
    assert a.merge(b).merge(c) == a.merge(b.merge(c))


@given(decisions)
def test_merge_is_idempotent_with_the_empty_decision_as_identity(a: Decision) -> None:
    assert a.merge(a) == a
    assert a.merge(Decision()) == a == Decision().merge(a)


def test_the_strongest_sanction_and_the_longest_timeout_win() -> None:
    warn = Decision.from_hit(Hit("a", "g", "r"), Outcome(delete=True, sanction=Sanction.WARN))
    mute = Decision.from_hit(
        Hit("b", "g", "r"), Outcome(sanction=Sanction.TIMEOUT, duration=timedelta(minutes=10))
    )
    merged = warn.merge(mute)
    assert (merged.delete, merged.sanction, merged.duration) == (
        True,
        Sanction.TIMEOUT,
        timedelta(minutes=10),
    )
    assert merged.label == "timeout"


def test_a_shadow_hit_is_recorded_but_changes_nothing() -> None:
    shadow = Decision.from_hit(Hit("a", "g", "r", shadow=True), Outcome(sanction=Sanction.BAN))
    assert shadow.hits and shadow.label == "allow"
    assert (shadow.delete, shadow.sanction, shadow.escalate) == (False, Sanction.NONE, False)


def message() -> Message:
    author = Member("fake", "c1", "u1", "bob")
    return Message("fake", "c1", "general", "m1", author, "text", datetime(2026, 1, 1, tzinfo=UTC))


def test_the_plan_deletes_first_then_tells_the_member_then_sanctions() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    decision = Decision(True, Sanction.TIMEOUT, timedelta(hours=1), False, ())
    msg = message()
    plan = decision.plan(Target.of(msg), f"auto:{msg.key}", now, "Respect (slurs)", "Be kind.")
    assert [a.kind for a in plan] == [ActionKind.DELETE, ActionKind.WARN, ActionKind.TIMEOUT]
    assert plan[1].reason == "Be kind."
    assert plan[2].until == now + timedelta(hours=1)
    assert [a.key for a in plan] == [
        "auto:fake:c1:m1:delete",
        "auto:fake:c1:m1:warn",
        "auto:fake:c1:m1:timeout",
    ]


def test_a_ban_follows_linked_accounts_and_never_takes_a_timeout_duration() -> None:
    msg = message()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    banned = Decision(True, Sanction.BAN, timedelta(minutes=10), False, ())
    plan = banned.plan(Target.of(msg), "esc:1", now, "r", "n", (("telegram", "-100", "77"),))
    bans = [a for a in plan if a.kind is ActionKind.BAN]
    assert [(a.platform, a.user_id, a.until) for a in bans] == [
        ("fake", "u1", None),
        ("telegram", "77", None),
    ]
    assert len({a.key for a in plan}) == len(plan)


def test_an_escalation_alone_plans_no_platform_action() -> None:
    msg = message()
    plan = Decision(escalate=True).plan(Target.of(msg), "auto:x", datetime.now(UTC), "r", "n")
    assert plan == []


def test_an_edited_message_is_judged_again_under_its_own_key() -> None:
    original = message()
    edited = Message(**{**{f: getattr(original, f) for f in original.__slots__}, "edited": True})
    changed = Message(**{**{f: getattr(edited, f) for f in edited.__slots__}, "text": "new text"})
    assert len({original.key, edited.key, changed.key}) == 3
    assert edited.key.startswith(original.key)
