"""What the bot posts, as Telegram wants it: plain text, mention entities, inline keyboards."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, User

from bot.actions import Button
from bot.i18n import neutralise

MAX_TEXT = 4096
MAX_ALERT = 200
MAX_DATA = 64
ROW = 3


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (entity offsets and limits are in UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Cut to `limit` UTF-16 code units, never inside a character; never empty."""
    if utf16_len(text) > limit:
        cut = text.encode("utf-16-le")[: (limit - 1) * 2].decode("utf-16-le", "ignore")
        text = cut + "…"
    return text or "…"


def keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """Buttons in rows of three. Data over 64 bytes is a bug in the caller: refuse it."""
    if not buttons:
        return None
    for button in buttons:
        if len(button.data.encode("utf-8")) > MAX_DATA:
            raise ValueError(f"button data over {MAX_DATA} bytes: {button.data[:80]!r}")
    rows = [
        [InlineKeyboardButton(b.label[:64], callback_data=b.data) for b in buttons[i : i + ROW]]
        for i in range(0, len(buttons), ROW)
    ]
    return InlineKeyboardMarkup(rows)


def mention(text: str, people: Sequence[tuple[int, str]]) -> tuple[str, tuple[MessageEntity, ...]]:
    """`text` with a `text_mention` for each (user id, name): over the name where the text
    already says it, else the name is put in front. Names are neutralised, so a name like
    `@everyone_admin` pings nobody else; nothing is ever parsed as markup.

        mention("Please stop.", [(42, "Sari")])  ->  "Sari: Please stop." + an entity
    """
    found: list[tuple[int, str, User]] = []
    ahead: list[tuple[str, User]] = []
    for user_id, name in people:
        label = neutralise(name.strip() or str(user_id))
        user = User(id=user_id, first_name=label, is_bot=False)
        if label in text:
            found.append((text.index(label), label, user))
        else:
            ahead.append((label, user))
    head = ""
    entities: list[MessageEntity] = []
    for label, user in ahead:
        head += ", " if head else ""
        entities.append(_entity(utf16_len(head), label, user))
        head += label
    head += ": " if head else ""
    for start, label, user in found:
        entities.append(_entity(utf16_len(head + text[:start]), label, user))
    full = clip(head + text)
    size = utf16_len(full)
    kept = sorted((e for e in entities if e.offset + e.length <= size), key=lambda e: e.offset)
    return full, tuple(kept)


def _entity(offset: int, label: str, user: User) -> MessageEntity:
    return MessageEntity(MessageEntity.TEXT_MENTION, offset, utf16_len(label), user=user)
