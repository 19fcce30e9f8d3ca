"""The playground in the browser: the same local chat and world as the terminal playground.
Pick who speaks (a newcomer, a regular member or a moderator), type, and see the decision,
the bot's replies and the case it recorded."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.web.keys import DESK
from bot.web.render import page, redirect
from bot.web.security import role
from storage.desk import DeskQueries

MAX_TEXT = 2000
REGULAR = "you"


def speakers(playground: Any) -> dict[str, str]:
    """Who may speak, by kind: the names the playground config gives those ranks."""
    config = playground.config
    return {
        "new": (config.newcomers or ["newbie"])[0],
        "regular": REGULAR,
        "moderator": (config.moderators or ["mod"])[0],
    }


def line_for(name: str, text: str) -> str:
    """One chat line as the terminal takes it: `name: text` on one line."""
    return f"{name}: {' '.join(text.split())}"


def _case_view(case: dict[str, Any] | None) -> dict[str, Any] | None:
    if case is None:
        return None
    return {
        "number": case["number"],
        "community": case["community_id"],
        "decision": case["decision"],
        "url": f"/cases/{case['community_id']}/{case['number']}",
    }


@role("viewer")
async def playground_page(request: web.Request) -> web.StreamResponse:
    desk = request.app[DESK]
    playground = desk.playground
    if playground is None:
        return page(request, "playground.html", running=False)
    recent = await DeskQueries(desk.search.db).recent_cases(playground.config.community)
    return page(
        request,
        "playground.html",
        running=True,
        speakers=speakers(playground),
        transcript=list(playground.transcript),
        recent=recent,
    )


@role("moderator")
async def say(request: web.Request) -> web.StreamResponse:
    """Deliver a line; answer JSON to the page's script, or send a form back to the page."""
    desk = request.app[DESK]
    playground = desk.playground
    if playground is None:
        raise web.HTTPNotFound()
    form = await request.post()
    names = speakers(playground)
    name = names.get(str(form.get("member", "regular")), REGULAR)
    text = str(form.get("text", ""))[:MAX_TEXT]
    lines: list[str] = []
    case = None
    if text.strip():
        lines = await playground.handle(desk.core, line_for(name, text), echo=True)
        sent = playground.last_message
        if sent is not None:
            case = await DeskQueries(desk.search.db).case_by_origin(f"auto:{sent.key}")
    if "application/json" in request.headers.get("Accept", ""):
        return web.json_response({"lines": lines, "case": _case_view(case)})
    return redirect("/playground")


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/playground", playground_page)
    router.add_post("/playground/say", say)
