"""The dashboard's guards, applied to every request: a session and a role on every route
but the public ones, cross-site checks and a CSRF token on every state-changing request,
and headers that forbid inline scripts, framing and sniffing."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web

from bot.web.keys import CLOCK, ORIGINS, REFUSALS, SESSION, STORE
from storage.dashboard import DashboardStore

COOKIE = "modbot_session"
SAFE_METHODS = ("GET", "HEAD")
SAME_SITE = ("same-origin", "none")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
H = TypeVar("H", bound=Handler)


def role(needed: str) -> Callable[[H], H]:
    """Mark a handler with the least role that may use it (viewer, moderator or admin)."""

    def mark(handler: H) -> H:
        handler.min_role = needed  # type: ignore[attr-defined]
        return handler

    return mark


def public(handler: H) -> H:
    """Mark a handler that needs no session (the login page and the stylesheet)."""
    handler.public = True  # type: ignore[attr-defined]
    return handler


def _handler(request: web.Request) -> Any:
    return request.match_info.route.handler


def cross_site(request: web.Request, origins: set[str]) -> str | None:
    """Why a state-changing request must be refused as cross-site, or None."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in SAME_SITE:
        return f"Sec-Fetch-Site {fetch_site}"
    origin = request.headers.get("Origin")
    if origin is None:
        return "no Origin header"
    if origin not in origins:
        return f"Origin {origin}"
    return None


async def _token(request: web.Request) -> str:
    header = request.headers.get("X-CSRF-Token")
    if header is not None:
        return header
    if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        value = form.get("csrf")
        return value if isinstance(value, str) else ""
    return ""


def _refuse(request: web.Request, status: int, reason: str) -> web.Response:
    request.app[REFUSALS].append((request.method, request.path, reason))
    return web.Response(status=status, text=f"{status}: {reason}\n", content_type="text/plain")


def _to_login(request: web.Request) -> web.StreamResponse:
    wants_page = request.method in SAFE_METHODS and "text/html" in request.headers.get("Accept", "")
    if wants_page:
        raise web.HTTPSeeOther(
            f"/login?next={request.path_qs}" if request.path != "/" else "/login"
        )
    return _refuse(request, 401, "sign in first")


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every request passes here: cross-site checks, then the session, role and CSRF token."""
    target = _handler(request)
    if request.method not in SAFE_METHODS:
        why = cross_site(request, request.app[ORIGINS])
        if why is not None:
            return _refuse(request, 403, f"cross-site request refused ({why})")
    if getattr(target, "public", False):
        return await handler(request)
    store: DashboardStore = request.app[STORE]
    secret = request.cookies.get(COOKIE, "")
    session = await store.session(secret, request.app[CLOCK]()) if secret else None
    if session is None:
        return _to_login(request)
    request[SESSION] = session
    if request.match_info.http_exception is not None:
        raise request.match_info.http_exception
    needed = getattr(target, "min_role", None)
    if needed is None or not session.account.can(needed):
        return _refuse(request, 403, f"your role ({session.account.role}) may not do this")
    if request.method not in SAFE_METHODS:
        token = await _token(request)
        if not hmac.compare_digest(token.encode(), session.csrf.encode()):
            return _refuse(request, 403, "missing or wrong CSRF token; reload the page")
    return await handler(request)


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if isinstance(response, web.HTTPException) and response.status >= 300:
        raise response
    return response


def origins_for(host: str, port: int, configured: str | None, loopback: bool) -> frozenset[str]:
    """The origins a browser may send state-changing requests from."""
    if configured:
        return frozenset({configured})
    names = {host, "localhost", "127.0.0.1", "[::1]"} if loopback else {host}
    return frozenset(f"http://{name}:{port}" for name in names)
