"""Community health figures over a window of whole UTC days, read from counters and timestamps.

No message content is read. For a window of N days ending on `last` (today, UTC), per
community (all when none is given) and optionally per platform:

- messages: the sum of `activity_days.messages` on the window's days;
- active members a day: distinct members active on each day, averaged over all N days (a
  day with no activity counts as 0; a member counts once per community and platform);
- joins: joins in the window;
- 7-day retention: among newcomers whose first week ended in the window (joined on day d
  with d+7 in the window, so every one of them is at least 7 days in by now), the share
  active on at least one of days d+1..d+7. None ("n/a") when nobody qualifies. The cohort
  lags the window by a week because the window's own joiners have not had a week yet;
- questions asked in the window; of those, answered (by now, by anyone), answered by the
  FAQ, and the median time to the first answer (answered_at - asked_at);
- actions by rule: automatic (actor 'auto'), non-dry-run cases in the window, per rule with
  a non-shadow hit on the case;
- toxic share: the `toxic` counter over the `scored` counter; None when nothing was scored;
- escalations opened in the window; of those, decided by a human (status decided), expired
  (decided by the fallback) and the median time to a human decision (decided_at -
  created_at over the decided ones);
- overturn rate per rule: the `overturn` counter of the rule over the automatic decisions
  made by the rule in the window: automatic cases hitting it plus escalations of kind
  rule/rule-error listing it. An escalation opened for a case already counted is the same
  decision and counts once.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database
from storage.models import CaseRow, HitRow
from storage.models_community import EscalationRow
from storage.models_metrics import ActivityRow, CounterRow, JoinRow, QuestionRow

RETENTION_DAYS = 7
RULE_KINDS = ("rule", "rule-error")  # escalations that stand for the rules they list


@dataclass(frozen=True, slots=True)
class Window:
    """Whole UTC days `first`..`last`, both included."""

    first: date
    last: date

    @classmethod
    def ending(cls, last: date, days: int) -> Window:
        return cls(last - timedelta(days=days - 1), last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the window."""
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)

    def previous(self) -> Window:
        """The window of the same length just before this one."""
        return Window.ending(self.first - timedelta(days=1), self.days)


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose figures: one community or all (None), one platform or all (None)."""

    community: str | None = None
    platform: str | None = None

    def of(self, community: Any, platform: Any) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.community is not None:
            where.append(community == self.community)
        if self.platform is not None:
            where.append(platform == self.platform)
        return where


@dataclass(frozen=True, slots=True)
class HealthReport:
    """The figures of one window (see the module docstring for each definition)."""

    window: Window
    messages: int = 0
    active_per_day: float = 0.0
    joins: int = 0
    newcomers: int = 0
    """Newcomers whose first week ended in the window (retention's denominator)."""
    retained: int = 0
    questions: int = 0
    answered: int = 0
    answered_by_faq: int = 0
    answer_time: timedelta | None = None
    scored: int = 0
    toxic: int = 0
    escalations: int = 0
    decided: int = 0
    expired: int = 0
    decision_time: timedelta | None = None
    actions: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)
    """Automatic decisions per rule (overturn rate's denominator)."""
    overturns: dict[str, int] = field(default_factory=dict)

    @property
    def retention(self) -> float | None:
        return self.retained / self.newcomers if self.newcomers else None

    @property
    def toxic_share(self) -> float | None:
        return self.toxic / self.scored if self.scored else None

    def overturn_rate(self, rule: str) -> float | None:
        made = self.decisions.get(rule, 0)
        return self.overturns.get(rule, 0) / made if made else None

    @property
    def has_data(self) -> bool:
        """Whether anything at all was recorded in the window."""
        counts = (self.messages, self.joins, self.newcomers, self.questions, self.scored)
        return any(counts) or bool(self.escalations or self.decisions or self.overturns)


async def health_report(db: Database, window: Window, scope: Scope | None = None) -> HealthReport:
    """The health figures of `window` for `scope` (everything when None). Read only."""
    scope = scope or Scope()
    async with db.read() as conn:
        messages, active = await _activity(conn, window, scope)
        newcomers, retained = await _retention(conn, window, scope)
        questions = await _questions(conn, window, scope)
        counters = await _counters(conn, window, scope)
        escalations = await _escalations(conn, window, scope)
        actions, decisions = await _automatic(conn, window, scope, escalations)
        joins = await conn.scalar(
            select(func.count(JoinRow.id)).where(
                JoinRow.joined_at >= window.start,
                JoinRow.joined_at < window.end,
                *scope.of(JoinRow.community_id, JoinRow.platform),
            )
        )
    answered = [q for q in questions if q.answered_at is not None]
    decided = [e for e in escalations if e.status == "decided"]
    return HealthReport(
        window=window,
        messages=messages,
        active_per_day=active / window.days,
        joins=joins or 0,
        newcomers=newcomers,
        retained=retained,
        questions=len(questions),
        answered=len(answered),
        answered_by_faq=sum(1 for q in answered if q.answered_by == "faq"),
        answer_time=_median(q.answered_at - q.asked_at for q in answered),
        scored=counters.get(("scored", ""), 0),
        toxic=counters.get(("toxic", ""), 0),
        escalations=len(escalations),
        decided=len(decided),
        expired=sum(1 for e in escalations if e.status == "expired"),
        decision_time=_median(e.decided_at - e.created_at for e in decided),
        actions=actions,
        decisions=decisions,
        overturns={key: n for (name, key), n in counters.items() if name == "overturn"},
    )


async def _activity(conn: AsyncConnection, window: Window, scope: Scope) -> tuple[int, int]:
    """Messages, and member-days with activity (one row per member and day)."""
    row = (
        await conn.execute(
            select(func.coalesce(func.sum(ActivityRow.messages), 0), func.count(ActivityRow.id))
            .where(ActivityRow.day >= window.first, ActivityRow.day <= window.last)
            .where(*scope.of(ActivityRow.community_id, ActivityRow.platform))
        )
    ).one()
    return int(row[0]), int(row[1])


async def _retention(conn: AsyncConnection, window: Window, scope: Scope) -> tuple[int, int]:
    """Newcomers whose first week ended in the window, and how many of them came back."""
    lag = timedelta(days=RETENTION_DAYS)
    cohort = (
        JoinRow.joined_at >= window.start - lag,
        JoinRow.joined_at < window.end - lag,
        *scope.of(JoinRow.community_id, JoinRow.platform),
    )
    joined = (await conn.execute(select(JoinRow.id).where(*cohort))).scalars().all()
    seen = await conn.execute(
        select(JoinRow.id, JoinRow.joined_at, ActivityRow.day)
        .join(
            ActivityRow,
            and_(
                ActivityRow.community_id == JoinRow.community_id,
                ActivityRow.platform == JoinRow.platform,
                ActivityRow.user_id == JoinRow.user_id,
            ),
        )
        .where(*cohort)
        .where(ActivityRow.day > window.first - lag, ActivityRow.day <= window.last)
    )
    back = {
        join_id
        for join_id, joined_at, day in seen
        if 1 <= (day - joined_at.astimezone(UTC).date()).days <= RETENTION_DAYS
    }
    return len(joined), len(back)


async def _questions(conn: AsyncConnection, window: Window, scope: Scope) -> list[Any]:
    rows = await conn.execute(
        select(QuestionRow.asked_at, QuestionRow.answered_at, QuestionRow.answered_by).where(
            QuestionRow.asked_at >= window.start,
            QuestionRow.asked_at < window.end,
            *scope.of(QuestionRow.community_id, QuestionRow.platform),
        )
    )
    return list(rows)


async def _counters(
    conn: AsyncConnection, window: Window, scope: Scope
) -> dict[tuple[str, str], int]:
    """Counter totals by (name, key)."""
    rows = await conn.execute(
        select(CounterRow.name, CounterRow.key, func.sum(CounterRow.value))
        .where(CounterRow.day >= window.first, CounterRow.day <= window.last)
        .where(CounterRow.name.in_(("scored", "toxic", "overturn")))
        .where(*scope.of(CounterRow.community_id, CounterRow.platform))
        .group_by(CounterRow.name, CounterRow.key)
    )
    return {(name, key or ""): int(total or 0) for name, key, total in rows}


async def _escalations(conn: AsyncConnection, window: Window, scope: Scope) -> list[Any]:
    rows = await conn.execute(
        select(
            EscalationRow.kind,
            EscalationRow.status,
            EscalationRow.case_id,
            EscalationRow.rules,
            EscalationRow.created_at,
            EscalationRow.decided_at,
        ).where(
            EscalationRow.created_at >= window.start,
            EscalationRow.created_at < window.end,
            *scope.of(EscalationRow.community_id, EscalationRow.platform),
        )
    )
    return list(rows)


async def _automatic(
    conn: AsyncConnection, window: Window, scope: Scope, escalations: list[Any]
) -> tuple[dict[str, int], dict[str, int]]:
    """Automatic cases per rule, and automatic decisions per rule (cases, plus escalations
    of the rule kinds that no counted case stands for)."""
    hits = await conn.execute(
        select(HitRow.rule, CaseRow.id)
        .join(CaseRow, CaseRow.id == HitRow.case_id)
        .where(
            CaseRow.actor == "auto",
            CaseRow.dry_run.is_(False),
            HitRow.shadow.is_(False),
            CaseRow.created_at >= window.start,
            CaseRow.created_at < window.end,
            *scope.of(CaseRow.community_id, CaseRow.platform),
        )
        .distinct()
    )
    cases: dict[str, set[int]] = {}
    for rule, case_id in hits:
        cases.setdefault(rule, set()).add(case_id)
    decisions = Counter({rule: len(ids) for rule, ids in cases.items()})
    for esc in escalations:
        if esc.kind not in RULE_KINDS:
            continue
        for rule in {r.strip() for r in esc.rules.split(",") if r.strip()}:
            if esc.case_id not in cases.get(rule, ()):
                decisions[rule] += 1
    return {rule: len(ids) for rule, ids in cases.items()}, dict(decisions)


def _median(spans: Iterable[timedelta]) -> timedelta | None:
    seconds = [span.total_seconds() for span in spans]
    return timedelta(seconds=statistics.median(seconds)) if seconds else None
