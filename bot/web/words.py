"""The messages the dashboard's handlers show (English first). Page text lives in the
templates; what the bot itself says (vote answers, verdict names) comes from bot/locales."""

from __future__ import annotations

WORDS = {
    "login.locked": "Too many wrong passwords for this account; try again in 15 minutes.",
    "login.wrong": "Wrong name or password.",
    "login.link_cross_site": "Open the link directly.",
    "login.link_spent": "This login link was used already or has expired; ask for a new one.",
    "faq.saved": "Saved the FAQ entry {name!r}.",
    "faq.removed": "Removed the FAQ entry {name!r}.",
    "faq.unknown": "No FAQ entry {name!r}.",
}


def say(key: str, **values: object) -> str:
    return WORDS[key].format(**values)
