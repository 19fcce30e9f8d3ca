"""No member content runs as script: 220 XSS payloads in member names, message texts, rule
names, reasons, report reasons, FAQ entries, guidelines, account names and the playground's
chat, and every page of the dashboard visited in Chromium with a canary and a dialog listener."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from bot.actions import Decision, Hit, Sanction
from bot.events import Report
from storage.audit import CaseDraft
from storage.case_search import CaseQuery
from storage.faqs import FaqEntryView
from tests.web.conftest import PASSWORD, sign_in
from tests.web.seed import COMMUNITY
from tests.web.site import Site, site_config
from tests.web.xss import check, payloads

PAYLOADS = payloads()


def _policy() -> str:
    """A guideline and a word rule that carry payloads in their texts and words."""
    title = json.dumps(PAYLOADS[0])
    body = json.dumps(" ".join(PAYLOADS[1:4]))
    words = json.dumps(PAYLOADS[4:8])
    return f"""
[[guidelines]]
id = "hostile"
title = {{ en = {title}, id = {title} }}
text = {{ en = {body}, id = {body} }}

[[rules]]
name = "hostile-words"
type = "words"
guideline = "hostile"
params = {{ words = {words} }}
on_match = {{ delete = true, sanction = "none" }}
shadow = true
"""


async def _seed(site: Site) -> None:
    fake, clock, services = site.fake, site.clock, site.services
    for index, payload in enumerate(PAYLOADS):
        clock.advance(seconds=30)
        text = f"you are a faggot {payload}" if index % 3 else f"greymarker {payload}"
        msg = fake.message(text, author=payload, sent_at=clock())
        await fake.deliver(msg)
        if index % 20 == 0:
            await site.core.on_report(Report(msg, fake.member("alice"), payload, clock()))
        hit = Hit(payload, payload, payload, 0, 3, payload)
        await services.audit.record_case(
            CaseDraft(
                community_id="kopi",
                origin_key=f"xss:{index}",
                platform="fake",
                chat_id="c1",
                channel_id=payload,
                message_id=payload,
                user_id=payload,
                user_name=payload,
                decision=Decision(sanction=Sanction.WARN, hits=(hit,)),
                policy_version="xss",
                created_at=clock(),
                actor="xss",
                actor_name=payload,
                excerpt=payload,
                scores={payload[:60]: 0.5},
            ),
            (),
        )
        await services.cases.amend(index + 1, "web:x", payload, payload, clock())
        entry = FaqEntryView(f"x{index}", (payload,), (payload,), (), payload, payload)
        await services.faq.store.save("playground", entry, payload, clock())
    for payload in PAYLOADS[:30]:
        await site.playground.handle(site.core, f"you: {payload}")
    (first, *_) = await services.escalations.store.open_ones()
    await site.chat_vote_async(first.id, "dismiss", PAYLOADS[9])
    await services.metrics.flush()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = Site(tmp_path_factory.mktemp("xss"), site_config(COMMUNITY + _policy()))
    site.call(_seed(site))
    site.add_user("ada", "admin", PASSWORD)
    for payload in PAYLOADS[10:20]:
        site.add_user(payload[:64], "viewer", PASSWORD)
    yield site
    site.close()


def pages(site: Site) -> list[str]:
    """Every page of the dashboard: the case page of every payload (each in every field of
    its case), every tenth delivered message's case, every escalation, and the filters and
    login page reflecting payloads back."""

    async def collect() -> tuple[list[str], list[int]]:
        search = site.dashboard.desk.search
        recorded = await search.ids(CaseQuery(origin="human"))
        delivered = await search.ids(CaseQuery(origin="auto"))
        rows = [await search.case_row(i) for i in [*recorded, *delivered[::10]]]
        cases = [f"/cases/{quote(r['community_id'])}/{r['number']}" for r in rows if r]
        store = site.services.escalations.store
        opened = await store.open_ones()
        escalations = sorted({e.id for e in opened} | {1})
        return cases, escalations

    cases, escalations = site.call(collect())
    reflected = [p for p in PAYLOADS[::11]]
    return [
        "/playground",
        "/cases?size=500",
        "/escalations",
        "/health?days=7",
        "/health?days=90",
        "/rules",
        "/faq?community=playground",
        "/users",
        *(f"/cases?q={quote(p)}&member={quote(p)}&rule={quote(p)}" for p in reflected),
        *(f"/health?community={quote(p)}" for p in reflected[:3]),
        *cases,
        *(f"/escalations/{n}" for n in escalations),
    ]


def test_no_payload_runs_on_any_page(page: Any, hostile: Site) -> None:
    sign_in(page, hostile, "ada")
    visited = pages(hostile)
    problems: list[str] = []
    for path in visited:
        response = page.goto(hostile.url + path, wait_until="domcontentloaded")
        assert response is not None and response.status == 200, path
        problems.extend(check(page))
    for payload in PAYLOADS[::20]:
        page.goto(f"{hostile.url}/login?next={quote(payload)}")
        problems.extend(check(page))
    print(
        f"\n{len(PAYLOADS)} payloads x {len(visited) + len(PAYLOADS[::20])} pages, "
        f"{len(problems)} executions or injections"
    )
    assert problems == []
    assert len(visited) >= 200
    page.goto(f"{hostile.url}/cases?member={quote(PAYLOADS[2])}")
    shown = page.locator("td.member").all_inner_texts()
    assert shown and set(shown) == {PAYLOADS[2]}  # shown as text, exactly as written


def test_the_check_catches_a_payload_that_gets_in(page: Any) -> None:
    """The detector has teeth: on a page without escaping or CSP, payloads are caught."""
    page.set_content(f"<p>{PAYLOADS[2]}</p>")  # <img src=x onerror=__xss=1>
    page.wait_for_function("() => window.__xss === 1")
    assert any("ran" in p for p in check(page))
    page.set_content('<div onclick="x()">hi</div>')
    assert any("injected" in p for p in check(page))
