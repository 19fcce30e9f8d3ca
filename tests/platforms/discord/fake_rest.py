"""The fake REST API's plumbing: routing, bot-token check, call record, faults and rate limits.

Every request is recorded as a `Call` (method, path without `/api/v10`, query, headers, JSON body,
file names, answer status). Faults are queued per route, first in first out, with
`inject("POST", "/channels/{id}/messages", route_limited(0.2))`; placeholder names do not matter.
Successful answers carry Discord's bucket headers (`X-RateLimit-*`), and a client that ignores
them gets a real 429. Unknown routes answer 404 `{"code": 0}` and are listed in `gaps`; a bug in
a route handler answers 400 at once (no 5xx retries) and is listed in `crashes`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.platforms.discord import errors
from tests.platforms.discord.faults import Fault, route_limited
from tests.platforms.discord.world import World

API_PREFIX = "/api/v10"
Handler = Callable[["Call", dict[str, str]], Awaitable[Any]]


@dataclass
class Call:
    """One request as the fake saw it; `status` is 0 until the answer is sent."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: list[str] = field(default_factory=list)
    route: str | None = None
    status: int = 0


@dataclass
class Reply:
    """A handler's answer when it is not a plain 200 JSON (204 when `body` is None)."""

    status: int = 204
    body: Any = None


def _shape(template: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", template)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """discord.py parses JSON only when Content-Type is exactly `application/json`."""
    if body is None:
        return web.Response(status=status, headers=headers)
    if isinstance(body, str):
        return web.Response(status=status, text=body, content_type="text/html", headers=headers)
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


@dataclass
class _Bucket:
    limit: int
    window: float
    remaining: int = 0
    reset_at: float = 0.0


class Rest:
    """Routes, the call record and the fault queues; route handlers live in the `rest_*` modules."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.calls: list[Call] = []
        self.gaps: list[str] = []
        self.crashes: list[str] = []
        self.default_limit = (50, 1.0)
        self._routes: dict[tuple[str, str], tuple[Handler, bool]] = {}
        self._faults: dict[tuple[str, str], deque[Fault]] = {}
        self._limits: dict[tuple[str, str], tuple[int, float]] = {}
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._changed = asyncio.Event()

    def route(
        self, method: str, template: str, *, auth: bool = True
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self._routes[(method, API_PREFIX + template)] = (handler, auth)
            return handler

        return register

    def install(self, app: web.Application) -> None:
        for method, path in self._routes:
            app.router.add_route(method, path, self._unreachable)

        @web.middleware
        async def middleware(request: web.Request, handler: Any) -> web.StreamResponse:
            return await self._middleware(request, handler)

        app.middlewares.append(middleware)

    def inject(self, method: str, template: str, *faults: Fault) -> None:
        """Queue `faults` for the next requests to this route, in order."""
        key = (method, _shape(API_PREFIX + template))
        self._faults.setdefault(key, deque()).extend(faults)

    def limit(self, method: str, template: str, limit: int, window: float) -> None:
        """Give a route a tighter bucket than the default 50 per second."""
        self._limits[(method, _shape(API_PREFIX + template))] = (limit, window)

    def matching(self, method: str, path: str, start: int = 0) -> list[Call]:
        """Answered calls from index `start`; `path` is a substring or a `{}` template."""
        pattern = re.compile(re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(path)) + "$")
        found = []
        for call in self.calls[start:]:
            hit = pattern.match(call.path) if "{" in path else path in call.path
            if call.status and call.method == method and hit:
                found.append(call)
        return found

    async def wait_for_call(
        self,
        method: str,
        path: str,
        start: int = 0,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Call:
        """The first answered call matching `path` (see `matching`) at or after `start`."""
        async with asyncio.timeout(timeout):
            while not (found := self.matching(method, path, start)):
                await self._changed.wait()
        return found[0]

    async def _unreachable(self, request: web.Request) -> web.Response:
        raise AssertionError("the middleware answers every route")

    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith(("/gateway", "/resume")):
            return await handler(request)
        call = await self._record(request)
        try:
            response = await self._answer(request, call)
        except _Limited as limited:
            fault = limited.fault
            response = json_response(429, fault.body, fault.headers)
        except errors.ApiError as error:
            response = json_response(error.status, error.body())
        except Exception as error:  # noqa: BLE001 - a bug in the fake must reach the test
            self.crashes.append(f"{call.method} {call.path}: {error!r}")
            response = json_response(400, {"message": f"the fake crashed: {error!r}", "code": 0})
        call.status = response.status
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()
        return response

    async def _answer(self, request: web.Request, call: Call) -> web.Response:
        resource = request.match_info.route.resource
        canonical = resource.canonical if resource is not None else request.path
        key = (request.method, _shape(canonical))
        spec = self._routes.get((request.method, canonical))
        call.route = canonical.removeprefix(API_PREFIX) if spec else None
        queue = self._faults.get(key)
        fault = queue.popleft() if queue else None
        if fault is not None:
            await asyncio.sleep(fault.delay)
            if fault.status is not None and not fault.processed:
                return json_response(fault.status, fault.body, fault.headers)
        if spec is None:
            self.gaps.append(f"{request.method} {call.path}")
            return json_response(404, {"message": "404: Not Found", "code": 0})
        handler, auth = spec
        if auth and call.headers.get("Authorization") != f"Bot {self.world.token}":
            raise errors.unauthorized()
        limit_headers = self._take_from_bucket(key, dict(request.match_info)) if auth else {}
        result = await handler(call, dict(request.match_info))
        if fault is not None and fault.status is not None:
            return json_response(fault.status, fault.body, fault.headers)
        if isinstance(result, Reply):
            return json_response(result.status, result.body, limit_headers)
        return json_response(200, result, limit_headers)

    def _take_from_bucket(self, key: tuple[str, str], params: dict[str, str]) -> dict[str, str]:
        major = params.get("channel_id") or params.get("guild_id") or ""
        limit, window = self._limits.get(key, self.default_limit)
        bucket = self._buckets.setdefault((key[0] + key[1], major), _Bucket(limit, window))
        now = time.monotonic()
        if now >= bucket.reset_at:
            bucket.remaining, bucket.reset_at = bucket.limit, now + bucket.window
        reset_after = bucket.reset_at - now
        if bucket.remaining == 0:
            raise _Limited(route_limited(reset_after, _hash(key)))
        bucket.remaining -= 1
        return {
            "X-RateLimit-Limit": str(bucket.limit),
            "X-RateLimit-Remaining": str(bucket.remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": _hash(key),
        }

    async def _record(self, request: web.Request) -> Call:
        body: Any = None
        files: list[str] = []
        if request.content_type == "application/json":
            body = json.loads(await request.text())
        elif request.content_type == "multipart/form-data":
            form = await request.post()
            for name, value in form.items():
                if name == "payload_json":
                    body = json.loads(str(value))
                elif isinstance(value, web.FileField):
                    files.append(value.filename)
        elif request.can_read_body:
            body = await request.text()
        path = request.path.removeprefix(API_PREFIX)
        call = Call(request.method, path, dict(request.query), dict(request.headers), body, files)
        self.calls.append(call)
        return call


class _Limited(Exception):
    """A 429 the bucket model gives a client that ignored `X-RateLimit-Remaining: 0`."""

    def __init__(self, fault: Fault) -> None:
        super().__init__("rate limited")
        self.fault = fault


def _hash(key: tuple[str, str]) -> str:
    return hashlib.sha1((key[0] + key[1]).encode()).hexdigest()[:16]
