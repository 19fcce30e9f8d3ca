"""A fake Telegram Bot API on 127.0.0.1: long polling, webhooks, a call record, faults.

    async with FakeTelegram(world, TOKEN) as fake:   # a random port; stops by itself
        fake.fail("deleteMessage", Fault(429, retry_after=0.05))
        ...point PTB's base_url at fake.base_url...

It speaks the wire format PTB uses (form bodies where every value is a string and nested
objects are JSON text; JSON bodies too), answers `{"ok": ...}` envelopes, and fails like
Telegram: a wrong token is 401, an unknown method 404.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from tests.platforms.telegram_methods import ApiError, Methods
from tests.platforms.telegram_world import World

JSON = dict[str, Any]
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Fault:
    """One injected answer: an error status (429 with `retry_after`, 5xx, 400, 403), an HTML
    page instead of JSON, or `delay` seconds before answering (status 200: a slow success)."""

    status: int = 429
    description: str = ""
    retry_after: float | None = None
    delay: float = 0.0
    html: bool = False


@dataclass(frozen=True)
class Call:
    method: str
    params: JSON
    status: int
    at: float


def _decoded(value: str) -> Any:
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeTelegram:
    def __init__(self, world: World, token: str, *, lifetime: float = 60.0) -> None:
        self.world = world
        self.token = token
        self.methods = Methods(world)
        self.calls: list[Call] = []
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self.served: list[int] = []
        self.page = 100
        """At most this many updates a poll (Telegram's limit is 100)."""
        self.history: dict[int, JSON] = {}
        self.unserved: set[int] = set()
        """Updates queued and not yet handed to the bot (by a poll or a webhook post)."""
        self.webhook: JSON = {}
        self._updates: list[JSON] = []
        self._next_update = 0
        self._allowed: list[str] | None = None
        self._arrived = asyncio.Condition()
        self._lifetime = lifetime
        self._stopping = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._outbox: asyncio.Queue[JSON] = asyncio.Queue()
        self.webhook_statuses: list[int] = []
        self.base_url = ""
        world.push = self.push

    async def __aenter__(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, HOST, 0).start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://{HOST}:{port}"
        self._session = aiohttp.ClientSession()
        self._spawn(self._expire())
        self._spawn(self._deliver())
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        self._stopping = True
        async with self._arrived:
            self._arrived.notify_all()
        for task in list(self._tasks):
            task.cancel()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _expire(self) -> None:
        await asyncio.sleep(self._lifetime)
        asyncio.get_running_loop().create_task(self.stop())

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def fail(self, method: str, *faults: Fault) -> None:
        """Queue faults for the next calls of `method`, first in first out."""
        self.faults[method].extend(faults)

    def push(self, body: JSON) -> int:
        """Queue an update (or post it to the webhook when one is set); returns its id."""
        self._next_update += 1
        update = {"update_id": self._next_update, **body}
        self.history[self._next_update] = update
        self.unserved.add(self._next_update)
        if self.webhook.get("url"):
            self._outbox.put_nowait(update)
        else:
            self._updates.append(update)
            self._spawn(self._notify())
        return self._next_update

    def redeliver(self, since: int) -> None:
        """Queue again every update from `since` on, as Telegram does when the bot died
        before confirming them (no offset reached it)."""
        known = {u["update_id"] for u in self._updates}
        again = [u for i, u in sorted(self.history.items()) if i >= since and i not in known]
        self._updates = sorted([*self._updates, *again], key=lambda u: u["update_id"])
        self.unserved.update(u["update_id"] for u in again)
        self._spawn(self._notify())

    @property
    def last_update_id(self) -> int:
        return self._next_update

    async def _notify(self) -> None:
        async with self._arrived:
            self._arrived.notify_all()

    async def _deliver(self) -> None:
        """Post queued updates to the webhook one at a time, in order, as Telegram does."""
        while True:
            update = await self._outbox.get()
            body = json.dumps(update).encode()
            self.webhook_statuses.append(await self.post_webhook(body, self.webhook["secret"]))
            self.served.append(update["update_id"])
            self.unserved.discard(update["update_id"])

    async def post_webhook(
        self, body: bytes, secret: str | None, content_type: str = "application/json"
    ) -> int:
        """POST a body to the webhook as Telegram does; returns the HTTP status."""
        assert self._session is not None and self.webhook.get("url")
        headers = {"Content-Type": content_type}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with self._session.post(self.webhook["url"], data=body, headers=headers) as answer:
            return answer.status

    async def wait_for(self, method: str, count: int = 1) -> None:
        """Wait (5 s at most) until `method` has been answered `count` times."""
        async with asyncio.timeout(5):
            while True:
                if sum(1 for c in self.calls if c.method == method) >= count:
                    return
                await asyncio.sleep(0.005)

    def ok_calls(self, method: str) -> list[JSON]:
        return [c.params for c in self.calls if c.method == method and c.status == 200]

    async def _params(self, request: web.Request) -> JSON:
        if request.content_type == "application/json":
            body = await request.json() if request.can_read_body else {}
            return dict(body or {})
        form = await request.post()
        params = {key: _decoded(str(value)) for key, value in form.items()}
        params.update({k: _decoded(v) for k, v in request.query.items()})
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if request.match_info["token"] != self.token:
            return self._answer(method, params, 401, {"description": "Unauthorized"})
        queued = self.faults.get(method)
        fault = queued.popleft() if queued else None
        if fault is not None:
            await asyncio.sleep(fault.delay)
            if fault.status != 200:
                return self._fault(method, params, fault)
        if method in ("setWebhook", "deleteWebhook"):
            self.webhook = {"url": params.get("url", ""), "secret": params.get("secret_token")}
            return self._answer(method, params, 200, {"result": True})
        handler = self.methods.table.get(method)
        if handler is None and method != "getUpdates":
            return self._answer(method, params, 404, {"description": "Not Found: method not found"})
        try:
            result = await self._poll(request, params) if handler is None else handler(params)
        except ApiError as exc:
            return self._answer(method, params, exc.code, {"description": exc.description})
        return self._answer(method, params, 200, {"result": result})

    def _fault(self, method: str, params: JSON, fault: Fault) -> web.Response:
        self.calls.append(Call(method, params, fault.status, time.monotonic()))
        if fault.html:
            page = f"<html><body><h1>{fault.status} Bad Gateway</h1></body></html>"
            return web.Response(status=fault.status, text=page, content_type="text/html")
        body: JSON = {"ok": False, "error_code": fault.status}
        body["description"] = fault.description or {
            429: f"Too Many Requests: retry after {fault.retry_after}",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
        }.get(fault.status, "Bad Request")
        if fault.retry_after is not None:
            body["parameters"] = {"retry_after": fault.retry_after}
        return web.json_response(body, status=fault.status)

    def _answer(self, method: str, params: JSON, status: int, body: JSON) -> web.Response:
        self.calls.append(Call(method, params, status, time.monotonic()))
        if status != 200:
            body = {"ok": False, "error_code": status, **body}
        else:
            body = {"ok": True, **body}
        return web.json_response(body, status=status)

    async def _poll(self, request: web.Request, params: JSON) -> list[JSON]:
        """Long polling: confirm below `offset`, then wait up to `timeout` for updates."""
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        if "allowed_updates" in params:
            self._allowed = list(params["allowed_updates"]) or None
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        async with self._arrived:
            while not self._ready() and time.monotonic() < deadline and not self._stopping:
                try:
                    await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
        if request.transport is None or request.transport.is_closing():
            return []  # the bot hung up (it is stopping): nothing was handed over
        batch = self._ready()[: min(self.page, int(params.get("limit") or 100))]
        self.served.extend(u["update_id"] for u in batch)
        self.unserved.difference_update(u["update_id"] for u in batch)
        return batch

    def _ready(self) -> list[JSON]:
        if self._allowed is None:
            return [u for u in self._updates if "chat_member" not in u]
        return [u for u in self._updates if any(kind in u for kind in self._allowed)]
