"""The audit log search takes anything a browser can send: hostile strings in every filter
return exactly the rows of a plain Python filter over the whole log, and leave the schema
and the data as they were. Every value is a bound parameter, never SQL text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from bot.actions import Decision, Hit, Sanction
from bot.web.forms import FILTERS, case_query
from storage.audit import CaseDraft
from storage.case_search import CaseQuery
from storage.models import ActionRow, CaseRow, HitRow
from storage.models_community import EscalationRow, StrikeRow
from tests.web.seed import COMMUNITY
from tests.web.site import Site, site_config

NAMES = ["bob", "o'brien", 'say "hi"', "100%", "a_b", "back\\slash", "Ünïcødé", "DROP"]
TEXTS = [
    "you are a faggot",
    "join discord.gg/freestuff now",
    "hmm greymarker 50% off",
    "it's a_b test; -- comment",
    "Ünïcødé faggot \\ escape",
    "toxicmarker ' OR '1'='1",
]
HOSTILE = [
    "' OR 1=1 --",
    "'; DROP TABLE cases; --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "%_\\'",
    "' UNION SELECT name, sql FROM sqlite_master --",
    "/* */",
    "1; DELETE FROM case_hits",
    "bob' --",
    "\x00",
    "faggot",
    "FAGGOT",
    "discord.gg",
    "ünï",
]


async def _seed(site: Site) -> None:
    fake, clock = site.fake, site.clock
    for index in range(48):
        clock.advance(hours=2)
        name, body = NAMES[index % len(NAMES)], TEXTS[index % len(TEXTS)]
        await fake.deliver(fake.message(body, author=name, sent_at=clock()))
        if index % 6 == 0:
            await site.playground.handle(site.core, f"you: {body}")
        if index % 5 == 0:
            hostile = HOSTILE[index % len(HOSTILE)].replace("\x00", "")
            hit = Hit(hostile or "x", hostile or "x", "by hand", 0, 3, body[:3])
            await site.services.audit.record_case(
                CaseDraft(
                    community_id="kopi",
                    origin_key=f"manual:{index}",
                    platform="fake",
                    chat_id="c1",
                    channel_id="general",
                    message_id=None,
                    user_id=name,
                    user_name=name,
                    decision=Decision(sanction=Sanction.WARN, hits=(hit,)),
                    policy_version="manual",
                    created_at=clock(),
                    actor="mod",
                    excerpt=body,
                ),
                (),
            )
    opened = await site.services.escalations.store.open_ones()
    await site.chat_vote_async(opened[0].id, "dismiss", "chatmod")


@dataclass
class Everything:
    """The whole log in memory, for the reference filter."""

    cases: list[dict[str, Any]]
    hits: dict[int, list[dict[str, Any]]]
    kinds: dict[int, set[str]]
    overturned: set[int]
    schema: list[tuple[Any, ...]]
    counts: list[int]


async def _everything(site: Site) -> Everything:
    async with site.db.read() as conn:
        cases = [dict(r._mapping) for r in await conn.execute(select(CaseRow))]
        hits: dict[int, list[dict[str, Any]]] = {}
        for h in await conn.execute(select(HitRow)):
            hits.setdefault(h.case_id, []).append(dict(h._mapping))
        kinds: dict[int, set[str]] = {}
        for a in await conn.execute(select(ActionRow)):
            kinds.setdefault(a.case_id, set()).add(a.kind)
        dismissed = await conn.execute(
            select(EscalationRow.case_id).where(
                EscalationRow.status == "decided", EscalationRow.verdict == "dismiss"
            )
        )
        pardoned = await conn.execute(
            select(StrikeRow.case_id).where(StrikeRow.pardoned_at.is_not(None))
        )
        overturned = {r[0] for r in dismissed if r[0]} | {r[0] for r in pardoned}
        schema = list(await conn.execute(text("SELECT type, name, sql FROM sqlite_master")))
        counts = [
            (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()  # noqa: S608
            for table in ("cases", "case_hits", "actions", "escalations", "faqs")
        ]
    return Everything(cases, hits, kinds, overturned, [tuple(r) for r in schema], counts)


def _fold(value: str) -> str:
    """SQLite's LIKE folds ASCII letters only."""
    return value.translate(
        str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    )


def reference(log: Everything, q: CaseQuery) -> list[int]:
    """Which case ids `q` should find, newest first, by reading every row in Python."""

    def keep(case: dict[str, Any]) -> bool:
        hits = log.hits.get(case["id"], [])
        checks = [
            not q.community or case["community_id"] == q.community,
            not q.platform or case["platform"] == q.platform,
            not q.member or q.member in (case["user_id"], case["user_name"]),
            not q.rule or any(h["rule"] == q.rule for h in hits),
            not q.guideline or any(h["guideline"] == q.guideline for h in hits),
            not q.action
            or (
                case["escalate"]
                if q.action == "escalate"
                else (q.action in log.kinds.get(case["id"], ()) or case["decision"] == q.action)
            ),
            q.origin != "auto" or case["actor"] == "auto",
            q.origin != "human" or case["actor"] != "auto",
            q.overturned is None or (case["id"] in log.overturned) == q.overturned,
            q.since is None or case["created_at"] >= q.since,
            q.until is None or case["created_at"] < q.until,
            not q.text
            or _fold(q.text) in _fold(case["excerpt"] or "")
            or any(_fold(q.text) in _fold(h["evidence"]) for h in hits),
        ]
        return all(checks)

    found = [c for c in log.cases if keep(c)]
    found.sort(key=lambda c: (c["created_at"], c["id"]), reverse=True)
    return [c["id"] for c in found]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Everything]]:
    site = Site(tmp_path_factory.mktemp("search"), site_config(COMMUNITY))
    site.call(_seed(site))
    yield site, site.call(_everything(site))
    site.close()


def _values(log: Everything) -> dict[str, list[str]]:
    hits = [h for found in log.hits.values() for h in found]
    return {
        "community": sorted({c["community_id"] for c in log.cases}),
        "platform": sorted({c["platform"] for c in log.cases}),
        "member": NAMES,
        "rule": sorted({h["rule"] for h in hits}),
        "guideline": sorted({h["guideline"] for h in hits}),
        "action": ["delete", "warn", "timeout", "escalate", "ban"],
        "origin": ["auto", "human", "robot"],
        "overturned": ["yes", "no", "maybe"],
        "since": ["2026-11-02", "2026-11-03", "not a day"],
        "until": ["2026-11-02", "2026-11-04"],
        "q": ["faggot", "%", "_", "\\", "discord", "ünï", "'", "50%"],
    }


hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=12),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), st.text(max_size=6)),
)


@st.composite
def queries(draw: st.DrawFn, values: dict[str, list[str]]) -> dict[str, str]:
    """A query string as a browser might send it: each filter empty, a real value, or hostile."""
    chosen = {}
    for name in FILTERS:
        kind = draw(st.sampled_from(["empty", "empty", "real", "hostile"]))
        if kind == "real":
            chosen[name] = draw(st.sampled_from(values[name]))
        elif kind == "hostile":
            chosen[name] = draw(hostile_text)
    return chosen


def test_hostile_filters_find_what_the_reference_finds_and_change_nothing(
    seeded: tuple[Site, Everything],
) -> None:
    site, log = seeded
    search = site.dashboard.desk.search
    values = _values(log)
    found_any = []

    @settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
    @given(params=queries(values))
    def run(params: dict[str, str]) -> None:
        q = case_query(params).query
        got = site.call(search.ids(q))
        assert got == reference(log, q), params
        found_any.append(bool(got))

    run()
    after = site.call(_everything(site))
    assert after.schema == log.schema and after.counts == log.counts
    assert sum(found_any) >= 50  # the filters were not all empty-handed
    print(f"\n{len(found_any)} hostile queries, results equal to the reference, schema unchanged")


@pytest.mark.parametrize(
    "params", [{}, {"community": "kopi"}, {"q": "faggot"}, {"origin": "human"}]
)
def test_pages_follow_each_other_without_gaps_or_repeats(
    seeded: tuple[Site, Everything], params: dict[str, str]
) -> None:
    site, log = seeded
    search = site.dashboard.desk.search
    q = case_query(params).query
    seen: list[int] = []
    after = None
    while True:
        page = site.call(search.page(q, after=after, size=7))
        seen.extend(row["id"] for row in page.rows)
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == reference(log, q) and len(seen) > 7
