"""Server-rendered pages: one Jinja2 environment with autoescape always on, and its filters."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.health import span
from bot.web.keys import FLASH, JINJA, SESSION

TEMPLATES = Path(__file__).with_name("templates")
# Characters that hide or reorder what a moderator reads: bidi controls, zero-width marks.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")


def visible(value: object) -> str:
    """Text with its invisible and direction-changing characters shown as codes (⟨U+202E⟩), so a
    right-to-left override cannot disguise what a member wrote. Escaping happens after."""
    text = "" if value is None else str(value)
    return _INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def when(value: datetime | None) -> str:
    return "-" if value is None else f"{value:%Y-%m-%d %H:%M:%S} UTC"


def took(value: timedelta | None) -> str:
    return span(value)


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(visible=visible, when=when, took=took)
    return env


def split_span(text: str, start: int, end: int) -> tuple[str, str, str]:
    """`text` cut around the span [start, end), clamped to the text (the excerpt may be
    shorter than the message the span was found in)."""
    if start < 0 or end <= start or start >= len(text):
        return text, "", ""
    end = min(end, len(text))
    return text[:start], text[start:end], text[end:]


def page(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    """Render `template` with the signed-in account, its CSRF token and any flash message."""
    env: Environment = request.app[JINJA]
    session = request.get(SESSION)
    flash = request.app[FLASH].pop(session.id, None) if session is not None else None
    body = env.get_template(template).render(
        me=session.account if session is not None else None,
        csrf=session.csrf if session is not None else "",
        flash=flash,
        path=request.path,
        **values,
    )
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")


def redirect(to: str) -> web.Response:
    """303 See Other: after a POST, the browser loads `to` with a GET."""
    return web.Response(status=303, headers={"Location": to})
