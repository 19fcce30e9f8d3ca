"""Telegram through python-telegram-bot 22: converts and renders; the core decides."""

import os

# RetryAfter.retry_after as a timedelta (PTB's coming default), without deprecation warnings.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from adapters.telegram.adapter import TelegramAdapter  # noqa: E402

__all__ = ["TelegramAdapter"]
