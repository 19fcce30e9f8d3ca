"""Keep bot tokens (and other secrets) out of every log line, tracebacks included.

PTB puts the Telegram token in every request URL, and httpx, PTB's own debug lines and
exception texts (`InvalidToken` quotes it) carry that URL. discord.py sends its token in a
header, but its DEBUG lines print every request URL, and interaction and webhook URLs carry
the interaction's own token (it can post as the bot for 15 minutes). Redaction happens where
records are made, so it covers every logger and every handler, whatever they are configured
to do.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

MASK = "<redacted>"
TOKEN_SHAPES = (
    re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b"),  # Telegram: bot id, colon, secret
    re.compile(r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}"),  # Discord
)
URL_TOKENS = re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/\s?\"']+")
"""Discord interaction and webhook URLs: `/interactions/<id>/<token>/callback`."""
TOKEN_FIELDS = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+""")
"""A `token` field in a logged payload (discord.py's DEBUG lines print every gateway event,
and an INTERACTION_CREATE carries the interaction's token)."""


class Redactor:
    """A log record factory that masks `secrets` (as written and URL-quoted), anything shaped
    like a Telegram or Discord token, and the token part of Discord interaction and webhook
    URLs. `install` wraps the current factory; `uninstall` restores it (only if nothing was
    installed on top since)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        shown = {s for secret in secrets if secret for s in (secret, quote(secret, safe=""))}
        self._secrets = sorted(shown, key=len, reverse=True)
        self._previous: Any = None
        self._factory: Any = None

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for shape in TOKEN_SHAPES:
            text = shape.sub(MASK, text)
        text = TOKEN_FIELDS.sub(lambda m: m.group(1) + MASK, text)
        return URL_TOKENS.sub(lambda m: m.group(1) + MASK, text)

    def install(self) -> None:
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            self._clean(record)
            return record

        self._previous, self._factory = previous, factory
        logging.setLogRecordFactory(factory)

    def uninstall(self) -> None:
        if self._factory is not None and logging.getLogRecordFactory() is self._factory:
            logging.setLogRecordFactory(self._previous)
        self._previous = self._factory = None

    def _clean(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed call must still be logged, masked
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = self.scrub(message), None
        if record.exc_info and record.exc_info[0] is not None:
            text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            record.exc_text = self.scrub(text)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
