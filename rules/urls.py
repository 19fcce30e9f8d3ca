"""Find links in a message, including bare domains such as `example.com/free`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from rules.patterns import compile_re2

_TLDS = (
    "com net org io gg me co id xyz info biz app dev ly be ru cn uk us de fr nl tk ml ga cf gq "
    "top site online club shop store live link click vip win bid icu pw cc tv ws to su ua in br "
    "jp kr my sg ph vn th au ca eu it es pl cz ro gr tr ir pk bd ng za ke gov edu mil int mobi "
    "pro name tech space fun website today news blog art wtf lol cam buzz rest fit work life"
)
COMMON_TLDS = frozenset(_TLDS.split())
_URL = compile_re2(
    r"(?i)(?:\b((?:https?|ftp)://)|\bwww\.|(?:^|[^a-z0-9@._-]))"
    r"((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z][a-z0-9-]{1,62})"
    r"|[0-9]{1,3}(?:\.[0-9]{1,3}){3})"
    r"(?::[0-9]{1,5})?((?:[/?#][^\s<>\"']*)?)"
)


@dataclass(frozen=True, slots=True)
class Link:
    """A link found in text: host in lower case, path, and its span in that text."""

    host: str
    path: str
    start: int
    end: int


def find_links(text: str) -> Iterator[Link]:
    """Links in `text`: any host (or IPv4 address) after a scheme or `www.`, else hosts with a
    common TLD."""
    position = 0
    pattern: Any = _URL
    while (found := pattern.search(text, position)) is not None:
        scheme, host, tld, path = found.group(1), found.group(2), found.group(3), found.group(4)
        start = found.start(2) if scheme is None else found.start(1)
        is_www = text[max(0, found.start(2) - 4) : found.start(2)].lower() == "www."
        # A bare IP address needs a scheme: without one it is as likely a version number.
        if scheme or is_www or (tld is not None and tld.lower() in COMMON_TLDS):
            yield Link(host.lower(), path or "", start, found.end())
        position = max(found.end(), position + 1)


def parse_link(url: str) -> Link | None:
    """A link the platform reported (full URL), with no span; None when it names no host
    (or cannot be read as a URL, like `http://[`)."""
    try:
        parts = urlsplit(url if "://" in url else f"http://{url}")
        host = parts.hostname
    except ValueError:
        return None
    if not host:
        return None
    return Link(host.lower(), parts.path, -1, -1)


def host_matches(host: str, domains: frozenset[str]) -> bool:
    """True when `host` is one of `domains` or a subdomain of one."""
    labels = host.split(".")
    return any(".".join(labels[i:]) in domains for i in range(len(labels)))
