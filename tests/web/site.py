"""A running dashboard for tests: the real core (a fake platform and the playground) and the
dashboard on 127.0.0.1, on an event loop in a thread of its own, so that synchronous browser
tests and the core can run side by side. Seed it through the core, never with SQL."""

from __future__ import annotations

import asyncio
import http.client
import re
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from adapters.fake import FakeAdapter
from adapters.playground import Playground
from bot.app import build_classifier
from bot.config import Config, StorageConfig, default_config_text, parse_config
from bot.core import Core
from bot.events import Vote
from bot.services import Services, build_services
from bot.web.auth import hash_password
from bot.web.server import Dashboard
from storage.db import Database
from tests.helpers import Clock

T = TypeVar("T")
CSRF = re.compile(r'name="csrf-token" content="([^"]*)"')


def site_config(extra: str = "") -> str:
    """The embedded default with the model double (markers `toxicmarker`, `greymarker`), the
    dashboard on any free port, and `extra` appended."""
    text = default_config_text()
    text = text.replace('backend = "builtin"', 'backend = "double"', 1)
    text = text.replace("port = 8780 ", "port = 0    ", 1)
    return text + "\n" + extra


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class Site:
    def __init__(self, folder: Path, config_text: str | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        config = parse_config(config_text or site_config(), "test.toml")
        url = f"sqlite+aiosqlite:///{folder / 'audit.db'}"
        self.config: Config = config.model_copy(update={"storage": StorageConfig(url=url)})
        self.clock = Clock()
        self.fake = FakeAdapter()
        self.call(self._start())

    async def _start(self) -> None:
        self.db = Database(self.config.storage.resolved_url())
        await self.db.migrate()
        self.playground = Playground(
            self.config.playground, stdin=_Silent(), stdout=_Silent(), echo=False
        )
        self.playground.clock._base = self.clock  # noqa: SLF001 - one clock for the world
        self.classifier = build_classifier(self.config)
        if self.classifier is not None:
            await self.classifier.load()
        adapters = {a.platform: a for a in (self.fake, self.playground)}
        self.services: Services = build_services(
            self.config, self.db, adapters, self.clock, self.classifier
        )
        self.core = Core(self.services)
        self.fake._core = self.core  # noqa: SLF001 - as if `run` had started
        self.fake.ready.set()
        self._stop = asyncio.Event()
        if self.classifier is not None:
            self._worker = asyncio.create_task(self.classifier.run(self._stop))
        self.dashboard = Dashboard(self.services, self.core, self.db, self.playground)
        url = await self.dashboard.start()
        assert url is not None
        self.url = url.rstrip("/")
        self.port = int(urlsplit(self.url).port or 0)

    def call(self, work: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        """Run `work` on the site's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def start(self, work: Coroutine[Any, Any, T]) -> Future[T]:
        """Run `work` on the site's loop without waiting."""
        return asyncio.run_coroutine_threadsafe(work, self.loop)

    def close(self) -> None:
        async def stop() -> None:
            self._stop.set()
            await self.dashboard.stop()
            await self.db.close()

        self.call(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    # --- accounts and plain HTTP, for the security tests and for signing browsers in ---

    def add_user(self, name: str, role: str, password: str) -> None:
        async def add() -> None:
            await self.dashboard.store.put_account(
                name, hash_password(password), role, self.clock()
            )

        self.call(add())

    def request(
        self,
        method: str,
        path: str,
        *,
        cookie: str | None = None,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        same_origin: bool = True,
    ) -> Reply:
        """One request as a browser of this site would send it (`same_origin`), or exactly
        the headers given."""
        sent = {"Accept": "text/html", **(headers or {})}
        if same_origin and method != "GET":
            sent.setdefault("Origin", self.url)
            sent.setdefault("Sec-Fetch-Site", "same-origin")
        if cookie is not None:
            sent["Cookie"] = f"modbot_session={cookie}"
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            return Reply(response.status, response.headers, response.read().decode())
        finally:
            conn.close()

    def sign_in(self, name: str, password: str) -> str:
        """The session secret of a fresh sign-in."""
        reply = self.request("POST", "/login", form={"name": name, "password": password})
        assert reply.status == 303, reply.body
        cookie = reply.headers.get("Set-Cookie", "")
        found = re.search(r"modbot_session=([^;]+)", cookie)
        assert found is not None, cookie
        return found.group(1)

    def csrf(self, cookie: str) -> str:
        page = self.request("GET", "/cases", cookie=cookie)
        found = CSRF.search(page.body)
        assert found is not None and found.group(1)
        return found.group(1)

    # --- chat surfaces ---

    def chat_vote(self, escalation_id: int, verdict: str, moderator: str = "chatmod") -> str:
        return self.call(self.chat_vote_async(escalation_id, verdict, moderator))

    async def chat_vote_async(self, escalation_id: int, verdict: str, moderator: str) -> str:
        voter = self.fake.member(moderator, moderator=True)
        bot = self.fake.member("modbot", rank=60)
        response = await self.core.on_vote(Vote(escalation_id, verdict, voter, self.clock(), bot))
        return response.text


class _Silent:
    """A terminal nobody types into or reads (the browser is the only way in)."""

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None

    def __iter__(self) -> Any:
        return iter(())
