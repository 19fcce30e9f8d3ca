"""Faults the fake REST API can answer with, queued per route by `FakeDiscord.inject`.

Each mirrors what Discord (or Cloudflare in front of it) really sends: a route 429 with `Via`,
bucket headers and a float `retry_after`; the global 429 with `X-RateLimit-Global`; a Cloudflare
ban without `Via` and with an HTML body; 5xx (optionally after doing the work); a slow answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tests.platforms.discord import errors


@dataclass
class Fault:
    """An answer to give instead of the real one.

    `status=None` only delays; `processed=True` does the work first and loses the answer (the
    write happened, the client sees an error), which is what makes retries double things.
    """

    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    processed: bool = False


def _limited_headers(retry_after: float, scope: str) -> dict[str, str]:
    return {
        "Via": "1.1 google",
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Scope": scope,
    }


def route_limited(retry_after: float = 0.2, bucket: str = "fake0bucket") -> Fault:
    """A per-route 429 as Discord sends it: `Via`, bucket headers, float `retry_after`."""
    headers = _limited_headers(retry_after, "user") | {
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": bucket,
    }
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
    return Fault(429, body, headers)


def global_limited(retry_after: float = 0.3) -> Fault:
    """The global 429: `X-RateLimit-Global: true`, scope global, `"global": true` in the body."""
    headers = _limited_headers(retry_after, "global") | {"X-RateLimit-Global": "true"}
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": True}
    return Fault(429, body, headers)


def cloudflare_limited() -> Fault:
    """A Cloudflare ban: 429 with an HTML body and no `Via` (discord.py must not retry)."""
    return Fault(429, "error code: 1015", {"Retry-After": "1"})


def server_error(status: int = 500, *, processed: bool = False) -> Fault:
    return Fault(status, {"message": f"{status}: Server Error", "code": 0}, processed=processed)


def slow(seconds: float) -> Fault:
    return Fault(delay=seconds)


def api_error(error: errors.ApiError) -> Fault:
    return Fault(error.status, error.body())
