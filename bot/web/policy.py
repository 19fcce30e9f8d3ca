"""Rules and FAQ: the active policy read-only (guidelines, rules with scopes, shadow flags),
and the FAQ entries, which moderators edit here as with the `faq` command."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from bot.config_errors import describe
from bot.config_sections import FaqEntry
from bot.web.keys import DESK, FLASH, SESSION
from bot.web.render import page, redirect
from bot.web.security import role
from bot.web.words import say
from storage.faqs import FaqEntryView


def communities(config: Any, desk: Any) -> list[str]:
    """Communities the FAQ can belong to: configured ones and the playground's."""
    found = [c.id for c in config.communities]
    if desk.playground is not None:
        found.append(desk.playground.config.community)
    return list(dict.fromkeys(found)) or [config.playground.community]


@role("viewer")
async def rules_page(request: web.Request) -> web.StreamResponse:
    config = request.app[DESK].services.config
    rules = [
        {
            "rule": rule,
            "params": json.dumps(rule.params, ensure_ascii=False, sort_keys=True),
            "disabled_in": [c.id for c in config.communities if rule.name in c.disabled_rules],
        }
        for rule in config.rules
    ]
    return page(
        request,
        "rules.html",
        guidelines=config.guidelines,
        rules=rules,
        dry_run=config.bot.dry_run,
        communities=config.communities,
    )


def _lines(raw: Any, comma: bool = False) -> list[str]:
    text = str(raw or "")
    parts = text.replace(",", "\n").splitlines() if comma else text.splitlines()
    return [p.strip() for p in parts if p.strip()]


def entry_from(form: Any) -> tuple[FaqEntry | None, list[str]]:
    """A FAQ entry from the form, validated like the config's (names, RE2 patterns)."""
    raw = {
        "name": str(form.get("name", "")).strip().lower(),
        "keywords": _lines(form.get("keywords"), comma=True),
        "phrases": _lines(form.get("phrases")),
        "patterns": _lines(form.get("patterns")),
        "answer": {"en": str(form.get("answer_en", "")), "id": str(form.get("answer_id", ""))},
    }
    try:
        return FaqEntry.model_validate(raw), []
    except ValidationError as exc:
        return None, [": ".join(p for p in describe(e) if p) for e in exc.errors()]


@role("viewer")
async def faq_page(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    known = communities(desk.services.config, desk)
    community = request.query.get("community", known[0])
    community = community if community in known else known[0]
    await desk.services.faq.seed(community, desk.services.clock())
    entries = await desk.services.faq.store.entries(community)
    return page(
        request, "faq.html", community=community, known=known, entries=entries, errors=[], form={}
    )


@role("moderator")
async def faq_save(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    form = await request.post()
    known = communities(desk.services.config, desk)
    community = str(form.get("community", ""))
    if community not in known:
        raise web.HTTPNotFound()
    entry, errors = entry_from(form)
    if entry is None:
        entries = await desk.services.faq.store.entries(community)
        values = {k: str(v) for k, v in form.items() if k != "csrf"}
        return page(
            request,
            "faq.html",
            status=400,
            community=community,
            known=known,
            entries=entries,
            errors=errors,
            form=values,
        )
    view = FaqEntryView(
        entry.name,
        tuple(entry.keywords),
        tuple(entry.phrases),
        tuple(entry.patterns),
        entry.answer.en,
        entry.answer.id,
    )
    account = request[SESSION].account
    await desk.services.faq.store.save(
        community, view, f"web:{account.name}", desk.services.clock()
    )
    desk.services.faq.forget(community)
    request.app[FLASH][request[SESSION].id] = say("faq.saved", name=entry.name)
    return redirect(f"/faq?community={community}")


@role("moderator")
async def faq_remove(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    form = await request.post()
    community = str(form.get("community", ""))
    name = str(form.get("name", ""))
    if community not in communities(desk.services.config, desk):
        raise web.HTTPNotFound()
    removed = await desk.services.faq.store.remove(community, name)
    desk.services.faq.forget(community)
    said = say("faq.removed" if removed else "faq.unknown", name=name)
    request.app[FLASH][request[SESSION].id] = said
    return redirect(f"/faq?community={community}")


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/rules", rules_page)
    router.add_get("/faq", faq_page)
    router.add_post("/faq", faq_save)
    router.add_post("/faq/remove", faq_remove)
