"""The escalation queue: open hard calls with their evidence and deadline, decided ones with
who decided and how long it took. A decision here is one more vote through the core's
`on_vote`: the first vote wins, whichever surface (web, Discord, Telegram) it came from."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.escalation import verdict_label
from bot.events import Member, Vote
from bot.i18n import Texts
from bot.web.keys import DESK, FLASH, SESSION
from bot.web.render import page, redirect
from bot.web.security import role
from storage.dashboard import Account
from storage.desk import DeskQueries
from storage.escalations import Escalation

WEB = "web"


def desk_vote(esc: Escalation, verdict: str, account: Account, at: datetime) -> Vote:
    """The vote a dashboard account casts. The dashboard has no platform hierarchy, so the
    voter ranks just above the member the escalation is about, unless that member is a
    moderator (a protected escalation): only a dashboard admin may sanction a moderator. The
    bot's own rights are the platform's to check when the action is applied: a refusal is
    recorded as failed and told to the moderators, as for any other vote."""
    above = esc.user_rank + 1
    allowed = not esc.protected or account.can("admin")
    voter = Member(
        platform=WEB,
        community_id=esc.community_id,
        user_id=f"{WEB}:{account.name}",
        name=account.name,
        is_moderator=account.can("moderator"),
        rank=above if allowed else esc.user_rank,
    )
    bot = Member(esc.platform, esc.chat_id, "modbot", "modbot", is_bot=True, rank=above)
    return Vote(esc.id, verdict, voter, at, bot)


def _labels(esc: Escalation) -> list[tuple[str, str]]:
    texts = Texts("en")
    return [(v, verdict_label(texts, v)) for v in esc.options]


@role("viewer")
async def queue(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    store = desk.services.escalations.store
    open_ones = await store.open_ones()
    closed = await DeskQueries(store.db).closed_escalations()
    return page(
        request,
        "escalations.html",
        open_ones=[(e, _labels(e)) for e in open_ones],
        closed=closed,
        now=desk.services.clock(),
    )


async def _find(request: web.Request) -> Escalation:
    try:
        wanted = int(request.match_info["id"])
    except ValueError:
        raise web.HTTPNotFound() from None
    esc = await request.app[DESK].services.escalations.store.get(wanted)
    if esc is None:
        raise web.HTTPNotFound()
    return esc


@role("viewer")
async def escalation(request: web.Request) -> web.StreamResponse:
    esc = await _find(request)
    desk = request.app[DESK]
    case = None
    if esc.case_id is not None:
        case = await desk.search.case_row(esc.case_id)
    return page(
        request,
        "escalation.html",
        esc=esc,
        labels=_labels(esc),
        case=case,
        now=desk.services.clock(),
    )


@role("moderator")
async def decide(request: web.Request) -> web.StreamResponse:
    esc = await _find(request)
    form = await request.post()
    verdict = str(form.get("verdict", ""))
    desk = request.app[DESK]
    session = request[SESSION]
    vote = desk_vote(esc, verdict, session.account, desk.services.clock())
    response = await desk.core.on_vote(vote)
    request.app[FLASH][session.id] = response.text
    return redirect(f"/escalations/{esc.id}")


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/escalations", queue)
    router.add_get("/escalations/{id}", escalation)
    router.add_post("/escalations/{id}/decide", decide)
