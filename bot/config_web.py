"""The `[web]` section: where the dashboard listens, who may reach it, how long sessions last."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from bot.config_base import Strict
from rules.base import Duration


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WebConfig(Strict):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=8780, ge=0, le=65535)
    origin: str | None = None
    """The address people type in the browser, when it is not http://host:port (a proxy)."""
    session_ttl: Duration = timedelta(hours=12)
    secure_cookie: bool = False
    login_link: bool = True
    """On start, print a one-time login link for the local admin (loopback hosts only)."""

    @field_validator("origin")
    @classmethod
    def _origin(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be like https://mod.example.org (got {value!r})")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError(f"must be a scheme and host only, no path (got {value!r})")
        return f"{parts.scheme}://{parts.netloc}"

    @field_validator("session_ttl")
    @classmethod
    def _ttl(cls, value: timedelta) -> timedelta:
        if not timedelta(minutes=5) <= value <= timedelta(days=30):
            raise ValueError(f"must be between 5m and 30d (got {value})")
        return value


def web_problems(web: WebConfig) -> list[tuple[str, str]]:
    """What the section cannot say alone: a dashboard open beyond this machine needs its
    public origin (for the cross-site checks) and a Secure cookie."""
    if not web.enabled or is_loopback(web.host):
        return []
    problems = []
    if web.origin is None:
        problems.append(
            (
                "web.origin",
                f"is required when web.host ({web.host}) is not a loopback address; set the "
                "address people open, e.g. origin = 'https://mod.example.org'",
            )
        )
    if not web.secure_cookie:
        problems.append(
            (
                "web.secure_cookie",
                "must be true when web.host is not a loopback address (serve the dashboard "
                "over HTTPS behind a proxy), or set host = '127.0.0.1'",
            )
        )
    return problems
