"""Keep the bot token (and the webhook secret) out of every log line, tracebacks included.

PTB puts the token in every request URL, and httpx, PTB's own debug lines and exception
texts (`InvalidToken` quotes it) carry that URL. Redaction happens where records are made,
so it covers every logger and every handler, whatever they are configured to do.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

TOKEN_SHAPE = re.compile(r"\b\d{6,12}:[A-Za-z0-9_-]{30,}\b")
MASK = "<redacted>"


class Redactor:
    """A log record factory that masks `secrets` (as written and URL-quoted) and anything
    shaped like a Telegram token. `install` wraps the current factory; `uninstall` restores
    it (only if nothing was installed on top since)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        shown = {s for secret in secrets if secret for s in (secret, quote(secret, safe=""))}
        self._secrets = sorted(shown, key=len, reverse=True)
        self._previous: Any = None
        self._factory: Any = None

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return TOKEN_SHAPE.sub(MASK, text)

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
