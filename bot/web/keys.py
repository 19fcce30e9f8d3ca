"""Typed keys of the dashboard application's shared state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiohttp import web
from jinja2 import Environment

from storage.dashboard import DashboardStore

if TYPE_CHECKING:
    from bot.web.auth import Failures
    from bot.web.server import Desk, Flashes
    from storage.dashboard import Session

DESK: web.AppKey[Desk] = web.AppKey("desk")
STORE: web.AppKey[DashboardStore] = web.AppKey("store")
CLOCK: web.AppKey[Callable[[], datetime]] = web.AppKey("clock")
ORIGINS: web.AppKey[set[str]] = web.AppKey("origins")
"""Origins a state-changing request may come from (filled in once the port is known)."""
SECURE_COOKIE: web.AppKey[bool] = web.AppKey("secure_cookie")
SESSION_TTL: web.AppKey[timedelta] = web.AppKey("session_ttl")
JINJA: web.AppKey[Environment] = web.AppKey("jinja")
FLASH: web.AppKey[Flashes] = web.AppKey("flash")
FAILURES: web.AppKey[Failures] = web.AppKey("failures")
REFUSALS: web.AppKey[list[tuple[str, str, str]]] = web.AppKey("refusals")
"""(method, path, reason) of every refused request, newest last."""
STATIC: web.AppKey[dict[str, tuple[bytes, str]]] = web.AppKey("static")
SESSION: web.RequestKey[Session] = web.RequestKey("session")
"""The signed-in session of a request (set by the guard)."""
