"""Signing in and out: passwords checked against argon2id hashes, one-time login links, and
sessions that live in the database (a new secret at every sign-in)."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from aiohttp import web
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.web.keys import CLOCK, FAILURES, SECURE_COOKIE, SESSION_TTL, STORE
from bot.web.render import page, redirect
from bot.web.security import COOKIE, SAME_SITE, public, role
from bot.web.words import say
from storage.dashboard import SESSION, Account, DashboardStore

HASHER = PasswordHasher()
MAX_FAILURES = 10
"""Wrong passwords for one account within LOCKOUT before it is locked for LOCKOUT."""
LOCKOUT = timedelta(minutes=15)
# A password check runs even for unknown names, so timing does not tell which names exist.
_DUMMY = HASHER.hash("not a password anyone has")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def check_password(account: Account | None, password: str) -> bool:
    try:
        return HASHER.verify(account.password_hash if account else _DUMMY, password) and (
            account is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never //elsewhere)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and "\\" not in target else "/"


class Failures:
    """Recent wrong passwords per account name (the lockout's memory)."""

    def __init__(self) -> None:
        self._seen: dict[str, deque[datetime]] = defaultdict(deque)

    def locked(self, name: str, now: datetime) -> bool:
        seen = self._seen[name]
        while seen and now - seen[0] > LOCKOUT:
            seen.popleft()
        return len(seen) >= MAX_FAILURES

    def add(self, name: str, now: datetime) -> None:
        self._seen[name].append(now)


async def _start_session(request: web.Request, account: Account, to: str) -> web.StreamResponse:
    store: DashboardStore = request.app[STORE]
    ttl: timedelta = request.app[SESSION_TTL]
    secret = await store.issue(account, SESSION, request.app[CLOCK](), ttl)
    response = redirect(to)
    response.set_cookie(
        COOKIE,
        secret,
        max_age=int(ttl.total_seconds()),
        path="/",
        httponly=True,
        samesite="Strict",
        secure=request.app[SECURE_COOKIE],
    )
    return response


@public
async def login_form(request: web.Request) -> web.StreamResponse:
    return page(request, "login.html", next=safe_next(request.query.get("next")), error=None)


@public
async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    name = str(form.get("name", ""))[:64]
    password = str(form.get("password", ""))[:1024]
    target = safe_next(str(form.get("next", "")))
    failures: Failures = request.app[FAILURES]
    now = request.app[CLOCK]()
    if failures.locked(name, now):
        error = say("login.locked")
        return page(request, "login.html", status=429, next=target, error=error)
    account = await request.app[STORE].account(name)
    if not await asyncio.to_thread(check_password, account, password):
        failures.add(name, now)
        error = say("login.wrong")
        return page(request, "login.html", status=401, next=target, error=error)
    assert account is not None
    return await _start_session(request, account, target)


@public
async def login_link(request: web.Request) -> web.StreamResponse:
    """Spend a one-time link. Only a link opened directly (typed, pasted or clicked in this
    site) counts; a link another site navigates to is refused (no login CSRF)."""
    if request.headers.get("Sec-Fetch-Site", "none") not in SAME_SITE:
        return page(request, "login.html", status=403, next="/", error=say("login.link_cross_site"))
    store: DashboardStore = request.app[STORE]
    account = await store.redeem_link(request.match_info["secret"], request.app[CLOCK]())
    if account is None:
        error = say("login.link_spent")
        return page(request, "login.html", status=403, next="/", error=error)
    return await _start_session(request, account, "/")


@role("viewer")
async def logout(request: web.Request) -> web.StreamResponse:
    await request.app[STORE].end(request.cookies.get(COOKIE, ""))
    response = redirect("/login")
    response.del_cookie(COOKIE, path="/")
    return response


@role("admin")
async def users(request: web.Request) -> web.StreamResponse:
    accounts = await request.app[STORE].accounts()
    return page(request, "users.html", accounts=accounts)


def routes(router: web.UrlDispatcher) -> None:
    router.add_get("/login", login_form)
    router.add_post("/login", login)
    router.add_get("/login/{secret}", login_link)
    router.add_post("/logout", logout)
    router.add_get("/users", users)
