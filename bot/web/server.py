"""The dashboard server: an aiohttp application on the bot's own loop, started by App."""

from __future__ import annotations

import errno
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from adapters.base import Core
from adapters.playground import Playground
from bot.config_web import is_loopback
from bot.events import utcnow
from bot.services import Services
from bot.web import auth, cases, policy, queue, sandbox, trends
from bot.web.auth import Failures
from bot.web.keys import (
    CLOCK,
    DESK,
    FAILURES,
    FLASH,
    JINJA,
    ORIGINS,
    REFUSALS,
    SECURE_COOKIE,
    SESSION_TTL,
    STATIC,
    STORE,
)
from bot.web.render import environment
from bot.web.security import guard, headers, origins_for, public
from storage.case_search import CaseSearch
from storage.dashboard import LINK, DashboardStore
from storage.db import Database

log = logging.getLogger(__name__)
ASSETS = Path(__file__).with_name("static")
LOCAL_ADMIN = "local-admin"
LINK_TTL = timedelta(minutes=15)
_FLASHES = 1000


class Flashes(OrderedDict[int, str]):
    """One message per session, shown on the next page it loads (bounded)."""

    def __setitem__(self, key: int, value: str) -> None:
        super().__setitem__(key, value)
        while len(self) > _FLASHES:
            self.popitem(last=False)


@dataclass
class Desk:
    """What the pages work with: the core (the one way to act), its services, the stores."""

    services: Services
    core: Core
    store: DashboardStore
    search: CaseSearch
    playground: Playground | None


async def static_file(request: web.Request) -> web.StreamResponse:
    files: dict[str, tuple[bytes, str]] = request.app[STATIC]
    found = files.get(request.match_info["name"])
    if found is None:
        raise web.HTTPNotFound()
    body, kind = found
    return web.Response(body=body, content_type=kind, headers={"Cache-Control": "max-age=300"})


public(static_file)


async def root(request: web.Request) -> web.StreamResponse:
    desk: Desk = request.app[DESK]
    raise web.HTTPSeeOther("/playground" if desk.playground is not None else "/cases")


root.min_role = "viewer"  # type: ignore[attr-defined]


def build_app(
    desk: Desk, clock: Callable[[], datetime], origins: set[str], secure: bool, ttl: timedelta
) -> web.Application:
    app = web.Application(middlewares=[headers, guard], client_max_size=256 * 1024)
    app[DESK] = desk
    app[STORE] = desk.store
    app[CLOCK] = clock
    app[ORIGINS] = origins  # filled in once the port is known
    app[SECURE_COOKIE] = secure
    app[SESSION_TTL] = ttl
    app[JINJA] = environment()
    app[FLASH] = Flashes()
    app[REFUSALS] = []
    app[FAILURES] = Failures()
    app[STATIC] = {
        "style.css": ((ASSETS / "style.css").read_bytes(), "text/css"),
        "app.js": ((ASSETS / "app.js").read_bytes(), "application/javascript"),
    }
    app.router.add_get("/", root)
    app.router.add_get("/static/{name}", static_file)
    for module in (auth, cases, queue, trends, sandbox, policy):
        module.routes(app.router)
    return app


class Dashboard:
    """Serves the dashboard on [web] host:port. A port already in use is logged and the bot
    goes on without a dashboard: moderation never stops for it."""

    def __init__(self, services: Services, core: Core, db: Database, playground: Any) -> None:
        self.services = services
        self.config = services.config.web
        self.store = DashboardStore(db)
        self.desk = Desk(services, core, self.store, CaseSearch(db), playground)
        self._runner: web.AppRunner | None = None
        self.url: str | None = None
        self.app: web.Application | None = None
        self._origins: set[str] = set()

    async def start(self) -> str | None:
        """Listen; returns the local URL, or None when the port is taken."""
        web_config = self.config
        loopback = is_loopback(web_config.host)
        self.app = build_app(
            self.desk,
            utcnow,
            self._origins,
            web_config.secure_cookie,
            web_config.session_ttl,
        )
        runner = web.AppRunner(self.app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, web_config.host, web_config.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            if exc.errno != errno.EADDRINUSE:
                raise
            log.warning(
                "dashboard not started: %s:%s is in use (set [web] port, or enabled = false)",
                web_config.host,
                web_config.port,
            )
            return None
        self._runner = runner
        port = runner.addresses[0][1]
        host = f"[{web_config.host}]" if ":" in web_config.host else web_config.host
        self._origins.update(origins_for(host, port, web_config.origin, loopback))
        self.url = f"{web_config.origin or f'http://{host}:{port}'}/"
        return self.url

    async def login_link(self, name: str = LOCAL_ADMIN, role: str = "admin") -> str:
        """A one-time login link for `name` (created with no password when new)."""
        assert self.url is not None
        now = utcnow()
        account = await self.store.account(name)
        if account is None:
            await self.store.put_account(name, "", role, now)
            account = await self.store.account(name)
            assert account is not None
        secret = await self.store.issue(account, LINK, now, LINK_TTL)
        return f"{self.url}login/{secret}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
