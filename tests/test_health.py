"""Community health: every figure of a seeded database against values worked out by hand,
through the query, `modbot health` and the moderators' `health` command."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.config import default_config_text
from bot.health import rows, trend
from storage.db import Database
from storage.health import HealthReport, Scope, Window, health_report
from storage.models import CaseRow, HitRow
from storage.models_community import EscalationRow
from storage.models_metrics import ActivityRow, CounterRow, JoinRow, QuestionRow
from tests.helpers import build_core

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 1)  # the helpers' clock: 2026-11-01 12:00 UTC
# "back" counts days before today: the window is back 0..6, the previous one back 7..13.
ACTIVITY = {  # (back, user): messages, in c1 on platform "fake"
    **{(0, "alice"): 5, (0, "bob"): 3, (1, "alice"): 2, (1, "n3"): 3, (2, "n2"): 1},
    **{(3, "carol"): 4, (3, "dave"): 1, (3, "alice"): 1, (6, "erin"): 2, (6, "frank"): 1},
    **{(7, "alice"): 4, (10, "bob"): 2, (10, "carol"): 2, (10, "n2"): 2, (12, "n1"): 1},
    **{(13, "alice"): 1, (19, "p1"): 1, (15, "p2"): 1},
}
JOINS = {"g1": (2, 9), "g2": (5, 9), "n1": (13, 10), "n2": (10, 10), "n3": (8, 10)}
JOINS |= {"n4": (7, 23), "p1": (20, 10), "p2": (15, 10)}  # user: (back, hour)
QUESTIONS = [  # (back, hour, seconds to the answer or None, answered by)
    (0, 10, 2, "faq"),
    (2, 9, 1800, "member"),
    (3, 12, 600, "member"),
    (5, 8, None, None),
    (8, 8, 4, "faq"),
    (9, 8, 1200, "member"),
]
COUNTERS = [(0, "scored", "", 10), (3, "scored", "", 10), (0, "toxic", "", 1), (3, "toxic", "", 2)]
COUNTERS += [(8, "scored", "", 10), (8, "toxic", "", 2)]
COUNTERS += [(2, "overturn", "slurs", 1), (3, "overturn", "links", 1), (5, "overturn", "spam", 1)]
COUNTERS += [(8, "overturn", "spam", 1)]
CASES = {  # number: (back, actor, dry run, [(rule, shadow)])
    1: (1, "auto", False, [("spam", False)]),
    2: (2, "auto", False, [("spam", False), ("slurs", False)]),
    3: (3, "auto", False, [("slurs", True), ("links", False)]),
    4: (4, "auto", True, [("spam", False)]),  # dry run: not an action
    5: (4, "mod1", False, [("spam", False)]),  # a moderator's: not automatic
    7: (5, "auto", False, [("spam", False)]),
    8: (8, "auto", False, [("spam", False)]),
    9: (9, "auto", False, [("links", False)]),
}
ESCALATIONS = [  # (back, kind, rules, case number, status, seconds to the decision)
    (2, "rule", "slurs", 2, "decided", 1800),
    (3, "rule-error", "links", None, "decided", 7200),
    (4, "report", "", None, "expired", 86_400),
    (5, "rule", "spam,slurs", None, "open", None),
    (6, "report", "", None, "decided", 600),
    (8, "rule", "spam", 8, "decided", 3600),
    (9, "report", "", None, "expired", 86_400),
]


def at(today: date, back: int, hour: int = 12) -> datetime:
    return datetime.combine(today - timedelta(days=back), time(hour), UTC)


async def seed(db: Database, today: date, community: str = "c1") -> None:
    """The tables above in `community` on "fake", plus one member and one join in c2 on "tg"."""
    p: dict[str, Any] = {"community_id": community, "platform": "fake"}

    def day(back: int) -> date:
        return today - timedelta(days=back)

    async with db.write() as conn:
        for (back, user), n in ACTIVITY.items():
            await conn.execute(
                insert(ActivityRow).values(**p, day=day(back), user_id=user, messages=n)
            )
        other = {"community_id": "c2", "platform": "tg"}
        await conn.execute(
            insert(ActivityRow).values(**other, day=day(1), user_id="x", messages=10)
        )
        await conn.execute(insert(JoinRow).values(**other, user_id="x", joined_at=at(today, 1)))
        for user, (back, hour) in JOINS.items():
            await conn.execute(
                insert(JoinRow).values(**p, user_id=user, joined_at=at(today, back, hour))
            )
        for i, (back, hour, wait, by) in enumerate(QUESTIONS):
            asked = at(today, back, hour)
            answered = asked + timedelta(seconds=wait) if wait is not None else None
            await conn.execute(
                insert(QuestionRow).values(
                    **p, chat_id="c1", message_id=f"q{i}", asked_at=asked,
                    answered_at=answered, answered_by=by,
                )
            )  # fmt: skip
        for back, name, key, n in COUNTERS:
            await conn.execute(
                insert(CounterRow).values(**p, day=day(back), name=name, key=key, value=n)
            )
        ids: dict[int | None, int | None] = {None: None}
        for number, (back, actor, dry, hits) in CASES.items():
            ids[number] = await conn.scalar(
                insert(CaseRow)
                .returning(CaseRow.id)
                .values(
                    **p, number=number, origin_key=f"{community}:{number}", chat_id="c1",
                    channel_id="general", message_id=f"m{number}", user_id="u", user_name="u",
                    actor=actor, decision="delete", dry_run=dry, policy_version="v1",
                    created_at=at(today, back),
                )
            )  # fmt: skip
            for rule, shadow in hits:
                await conn.execute(
                    insert(HitRow).values(
                        case_id=ids[number], rule=rule, guideline="g", reason="r", shadow=shadow
                    )
                )
        for i, (back, kind, rules, case, status, wait) in enumerate(ESCALATIONS):
            opened = at(today, back, 10)
            await conn.execute(
                insert(EscalationRow).values(
                    **p, origin_key=f"{community}:esc{i}", kind=kind, status=status,
                    case_id=ids[case], chat_id="c1", channel_id="general", user_id="u",
                    user_name="u", rules=rules, reason="r", options=["dismiss"],
                    deadline=opened + timedelta(days=1), created_at=opened,
                    decided_at=opened + timedelta(seconds=wait) if wait else None,
                    decided_by="fallback" if status == "expired" else "mod1",
                )
            )  # fmt: skip


async def reports(tmp_path: Path, scope: Scope) -> tuple[HealthReport, HealthReport]:
    async with Database(f"sqlite+aiosqlite:///{tmp_path / 'h.db'}") as db:
        await db.migrate()
        await seed(db, TODAY)
        window = Window.ending(TODAY, 7)
        return await health_report(db, window, scope), await health_report(
            db, window.previous(), scope
        )


async def test_every_figure_of_a_community_matches_the_hand_count(tmp_path: Path) -> None:
    now, before = await reports(tmp_path, Scope("c1"))
    assert (now.window.first, before.window.last) == (date(2026, 10, 26), date(2026, 10, 25))
    # Messages, back 0..6: 5+3 + 2+3 + 1 + 4+1+1 + 2+1 = 23; member-days 2+2+1+3+2 = 10 (/7 days).
    assert (now.messages, now.active_per_day) == (23, 10 / 7)
    # Back 7..13: 4 + 2+2+2 + 1 + 1 = 12 messages; member-days 1+3+1+1 = 6.
    assert (before.messages, before.active_per_day) == (12, 6 / 7)
    # Joins back 0..6: g1, g2. Back 7..13: n1, n2, n3, n4.
    assert (now.joins, before.joins) == (2, 4)
    # Retention now: newcomers who joined back 7..13. n1 (13) came back on 12 (day+1): yes;
    # n2 (10) only on its join day and on back 2 (day+8): no; n3 (8) on back 1 (day+7): yes;
    # n4 (7) never: no. 2 of 4. Before: joined back 14..20: p1 (20) on 19: yes; p2 (15) only
    # on its join day: no. 1 of 2. g1 and g2 are not a week in yet: in no cohort.
    assert (now.newcomers, now.retained, now.retention) == (4, 2, 0.5)
    assert (before.newcomers, before.retained, before.retention) == (2, 1, 0.5)
    # Questions now: 4 asked, 3 answered (1 by the FAQ); median of 2s, 1800s, 600s = 600s.
    assert (now.questions, now.answered, now.answered_by_faq) == (4, 3, 1)
    assert now.answer_time == timedelta(seconds=600)
    # Before: 2 asked, both answered, 1 by the FAQ; median of 4s and 1200s = 602s.
    assert (before.questions, before.answered, before.answered_by_faq) == (2, 2, 1)
    assert before.answer_time == timedelta(seconds=602)
    # Toxic: (1+2)/(10+10) = 15%; before 2/10 = 20%.
    assert (now.toxic, now.scored, now.toxic_share) == (3, 20, 0.15)
    assert (before.toxic, before.scored, before.toxic_share) == (2, 10, 0.2)
    # Escalations now: 5 opened, 3 decided (1800s, 7200s, 600s: median 1800s), 1 expired.
    assert (now.escalations, now.decided, now.expired) == (5, 3, 1)
    assert now.decision_time == timedelta(seconds=1800)
    assert (before.escalations, before.decided, before.expired, before.decision_time) == (
        2, 1, 1, timedelta(seconds=3600),
    )  # fmt: skip
    # Actions: automatic, not dry run, non-shadow hits. Now: spam cases 1, 2, 7; slurs case 2
    # (case 3's slurs hit is shadow); links case 3. Before: spam case 8, links case 9.
    assert now.actions == {"spam": 3, "slurs": 1, "links": 1}
    assert before.actions == {"spam": 1, "links": 1}
    # Decisions = cases + rule escalations with no counted case: spam 3 + esc(spam,slurs) = 4;
    # slurs 1 (+ the escalation of case 2, the same decision) + esc(spam,slurs) = 2;
    # links 1 + the rule-error escalation = 2. Before: spam 1 (its escalation is case 8), links 1.
    assert now.decisions == {"spam": 4, "slurs": 2, "links": 2}
    assert before.decisions == {"spam": 1, "links": 1}
    # Overturns: spam 1/4, slurs 1/2, links 1/2; before spam 1/1, links 0/1.
    assert [now.overturn_rate(r) for r in ("spam", "slurs", "links")] == [0.25, 0.5, 0.5]
    assert [before.overturn_rate(r) for r in ("spam", "slurs", "links")] == [1.0, None, 0.0]


async def test_figures_can_be_read_for_everyone_or_one_platform(tmp_path: Path) -> None:
    everyone, _ = await reports(tmp_path, Scope())
    # c2's member on back 1: 23+10 messages, 10+1 member-days, 2+1 joins.
    assert (everyone.messages, everyone.active_per_day, everyone.joins) == (33, 11 / 7, 3)
    tg, before = await reports(tmp_path / "tg", Scope(platform="tg"))
    assert (tg.messages, tg.joins, tg.questions, tg.actions, tg.retention) == (10, 1, 0, {}, None)
    assert not before.has_data


def parse(table: str) -> dict[str, tuple[str, str, str]]:
    """'section/label' -> (now, before, arrow) from `modbot health`'s table."""
    out, section = {}, ""
    for line in table.splitlines()[2:]:
        label, *cells = [c for c in line.split("  ") if c.strip()]
        section = section if line.startswith(" ") else label
        key = f"{section}/{label.strip()}" if line.startswith(" ") else label
        out[key] = tuple(c.strip() for c in cells) if cells else ("", "", "")
    return out  # type: ignore[return-value]


def test_modbot_health_prints_the_figures_with_trends(tmp_path: Path) -> None:
    import asyncio

    today = datetime.now(UTC).date()
    url = f"sqlite+aiosqlite:///{tmp_path / 'h.db'}"

    async def prepare() -> None:
        async with Database(url) as db:
            await db.migrate()
            await seed(db, today)

    asyncio.run(prepare())
    config = tmp_path / "modbot.toml"
    config.write_text(default_config_text().replace('"sqlite+aiosqlite:///modbot.db"', f'"{url}"'))
    assert url in config.read_text()
    run = [sys.executable, "-m", "bot", "health", "--config", str(config), "--days", "7"]
    done = subprocess.run([*run, "--community", "c1"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    figures = parse(done.stdout)
    assert done.stdout.startswith(
        f"Community health: c1, all platforms, 7 day(s) {today - timedelta(days=6)}"
    )
    assert figures["messages"] == ("23", "12", "↑")
    assert figures["active members a day"] == ("1.4", "0.9", "↑")
    assert figures["joins"] == ("2", "4", "↓")
    assert figures["7-day retention"] == ("50.0% (2/4)", "50.0% (1/2)", "→")
    assert figures["questions asked"] == ("4", "2", "↑")
    assert figures["questions asked/answered"] == ("3", "2", "↑")
    assert figures["questions asked/answered by FAQ"] == ("1", "1", "→")
    assert figures["questions asked/median time to answer"] == ("10m 00s", "10m 02s", "↓")
    assert figures["toxic messages"] == ("15.0% (3/20)", "20.0% (2/10)", "↓")
    assert figures["escalations opened"] == ("5", "2", "↑")
    assert figures["escalations opened/decided by a human"] == ("3", "1", "↑")
    assert figures["escalations opened/expired (fallback)"] == ("1", "1", "→")
    assert figures["escalations opened/median time to decide"] == ("30m 00s", "1h 00m", "↓")
    actions = {k: v for k, v in figures.items() if k.startswith("actions by rule/")}
    assert actions == {
        "actions by rule/links": ("1", "1", "→"),
        "actions by rule/slurs": ("1", "0", "↑"),
        "actions by rule/spam": ("3", "1", "↑"),
    }
    assert figures["overturn rate by rule/spam"] == ("25.0% (1/4)", "100.0% (1/1)", "↓")
    assert figures["overturn rate by rule/slurs"] == ("50.0% (1/2)", "n/a", "→")
    assert figures["overturn rate by rule/links"] == ("50.0% (1/2)", "0.0% (0/1)", "↑")
    tg = subprocess.run([*run, "--platform", "tg"], capture_output=True, text=True, cwd=ROOT)
    assert parse(tg.stdout)["messages"] == ("10", "0", "→")  # nothing before: no trend
    bad = subprocess.run([*run[:-1], "0"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "--days: must be between 1 and 3650 (got 0)" in bad.stderr


def test_trends_need_a_value_on_both_sides() -> None:
    assert [trend(2, 1), trend(1, 2), trend(1, 1), trend(None, 1), trend(0.5, None)] == [
        "↑", "↓", "→", "→", "→",
    ]  # fmt: skip
    assert trend(timedelta(minutes=1), timedelta(seconds=59)) == "↑"
    empty = HealthReport(Window.ending(TODAY, 7))
    assert {arrow for *_, arrow in rows(HealthReport(empty.window, messages=5), empty)} <= {"→", ""}


async def test_a_moderator_reads_the_summary_with_the_health_command(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "audit.db")
    community = core.config.community_for(core.fake.platform, core.fake.community_id).id
    await seed(core.db, TODAY, community)
    response = await core.command(core.fake.member("mod", moderator=True), "health", days="7")
    assert response.private
    assert response.text == (
        "Last 7 day(s): 23 messages, 1.4 active members a day, 2 joins, "
        "50% of newcomers stayed their first week, "
        "3/4 questions answered (median 10 minutes), 5 escalations (median 30 minutes to decide)."
    )
    refused = await core.command(core.fake.member("ann"), "health")
    assert "Last 7 day(s)" not in refused.text
    await core.close()


async def test_the_summary_counts_messages_not_yet_written(tmp_path: Path) -> None:
    core = await build_core(tmp_path / "audit.db")
    await core.say("good morning everyone", author="ann")
    await core.say("morning!", author="ben")
    response = await core.command(core.fake.member("mod", moderator=True), "health", days="1")
    # 2 messages by 2 members over 1 day; no joins, questions or escalations.
    assert response.text.startswith("Last 1 day(s): 2 messages, 2.0 active members a day, 0 joins")
    assert "n/a of newcomers" in response.text
    await core.close()
