"""Pure conversion of python-telegram-bot objects into the core's events; no I/O."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from telegram import Chat, ChatMember, ChatMemberUpdated, MessageEntity, User
from telegram import Message as TgMessage

from bot.events import Attachment, Member, Message

PLATFORM = "telegram"
SERVICE_ACCOUNTS = frozenset({777000, 1087968824, 136817688})
"""Telegram's own accounts: notifications (777000), GroupAnonymousBot (1087968824) and
Channel_Bot (136817688). Messages from them speak for no member."""
CREATOR_RANK, ADMIN_RANK, ADMIN_BOT_RANK = 100, 50, 40
"""A bot admin ranks below human admins: Telegram lets no bot restrict an admin."""
MODERATORS = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})
GROUPS = frozenset({Chat.GROUP, Chat.SUPERGROUP})
_MEDIA = (
    ("photo", "image"),
    ("sticker", "sticker"),
    ("video", "video"),
    ("animation", "video"),
    ("video_note", "video"),
    ("audio", "audio"),
    ("voice", "audio"),
    ("document", "file"),
)
_NAME_CHARS = 64


def rank(status: str | None, is_bot: bool = False) -> int:
    """Owner 100, admin 50 (an admin bot 40), everyone else 0."""
    if status == ChatMember.OWNER:
        return CREATOR_RANK
    if status == ChatMember.ADMINISTRATOR:
        return ADMIN_BOT_RANK if is_bot else ADMIN_RANK
    return 0


def display_name(user: User) -> str:
    name = (user.full_name or "").strip() or (user.username or "") or str(user.id)
    return name[:_NAME_CHARS]


def member(
    user: User, chat_id: int | str, status: str | None = None, joined_at: datetime | None = None
) -> Member:
    """A user as a member of a chat. `status` is the admin cache's (None: not an admin)."""
    held = status or ChatMember.MEMBER
    return Member(
        platform=PLATFORM,
        community_id=str(chat_id),
        user_id=str(user.id),
        name=display_name(user),
        is_bot=user.is_bot,
        is_moderator=held in MODERATORS and not user.is_bot,
        roles=frozenset({held}),
        joined_at=joined_at,
        rank=rank(held, user.is_bot),
    )


def channel_id(message: TgMessage) -> str:
    """`chat` or, for a message in a forum topic, `chat/topic`."""
    chat = str(message.chat.id)
    if message.is_topic_message and message.message_thread_id:
        return f"{chat}/{message.message_thread_id}"
    return chat


def split_channel(channel: str) -> tuple[int, int | None]:
    """`chat` or `chat/topic` back to (chat id, topic id or None)."""
    chat, _, topic = channel.partition("/")
    return int(chat), int(topic) if topic else None


def impersonal(message: TgMessage) -> str | None:
    """Why a message speaks for no member (and is neither judged nor counted), or None.

    Anonymous admins post as the group itself; a linked channel's posts arrive as automatic
    forwards; users may post as one of their channels; Telegram's service accounts relay
    all of these. Acting on any of them would hit the wrong account (or nobody).
    """
    if message.is_automatic_forward:
        return "a post of the linked channel"
    sender = message.sender_chat
    if sender is not None:
        return "an anonymous admin" if sender.id == message.chat.id else "a channel identity"
    user = message.from_user
    if user is None:
        return "no sender"
    if user.id in SERVICE_ACCOUNTS:
        return "a Telegram service account"
    return None


def replied_to(message: TgMessage) -> TgMessage | None:
    """The message this one answers. In a forum topic, Telegram also sets the topic's first
    (service) message as the reply of every message in it: that is no answer to anyone."""
    reply = message.reply_to_message
    if reply is None or reply.forum_topic_created is not None:
        return None
    if message.is_topic_message and reply.message_id == message.message_thread_id:
        return None
    return reply


def message_text(message: TgMessage) -> str:
    """Every text surface a member sees: body, caption, poll, a document's file name."""
    parts = [message.text or "", message.caption or ""]
    if message.poll is not None:
        parts.append(message.poll.question)
        parts.extend(option.text for option in message.poll.options)
    if message.document is not None and message.document.file_name:
        parts.append(message.document.file_name)
    return "\n".join(part for part in parts if part)


def _entities(message: TgMessage) -> Iterator[tuple[MessageEntity, str]]:
    """Each entity of the text and the caption with the text it covers. Offsets count UTF-16
    units; one that splits a character pair gives a replacement character instead of an
    error (PTB's own parse_entities raises there, and the message would go unjudged)."""
    for text, entities in (
        (message.text, message.entities),
        (message.caption, message.caption_entities),
    ):
        if not text or not entities:
            continue
        units = text.encode("utf-16-le")
        for entity in entities:
            start, end = max(entity.offset, 0) * 2, max(entity.offset + entity.length, 0) * 2
            yield entity, units[start:end].decode("utf-16-le", errors="replace")


def links(message: TgMessage) -> tuple[str, ...]:
    """Links written (`url`) or hidden behind text (`text_link`), and the public channel a
    message was forwarded from."""
    found: list[str] = []
    for entity, text in _entities(message):
        if entity.type == MessageEntity.TEXT_LINK and entity.url:
            found.append(entity.url)
        elif entity.type == MessageEntity.URL:
            found.append(text)
    origin = message.forward_origin
    chat = getattr(origin, "chat", None) if origin is not None else None
    if chat is not None and chat.username:
        found.append(f"https://t.me/{chat.username}")
    return tuple(dict.fromkeys(found))


def mentions(message: TgMessage) -> tuple[str, ...]:
    """Mentioned members: user ids (`text_mention`) or `@username` (`mention`)."""
    found: list[str] = []
    for entity, text in _entities(message):
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None:
            found.append(str(entity.user.id))
        elif entity.type == MessageEntity.MENTION:
            found.append(text.lower())
    return tuple(dict.fromkeys(found))


def attachments(message: TgMessage) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    for field, kind in _MEDIA:
        media = getattr(message, field)
        if not media:
            continue
        name = getattr(media, "file_name", None) or field
        found.append(Attachment(name, kind, message.caption or ""))
    return tuple(found)


def to_message(
    message: TgMessage,
    author: Member,
    *,
    edited: bool = False,
    at: datetime | None = None,
    is_command: bool = False,
) -> Message:
    """A member's message as the rules see it. An edit keeps the message id."""
    reply = replied_to(message)
    return Message(
        platform=PLATFORM,
        community_id=str(message.chat.id),
        channel_id=channel_id(message),
        message_id=str(message.message_id),
        author=author,
        text=message_text(message),
        sent_at=at or (message.edit_date if edited and message.edit_date else message.date),
        links=links(message),
        mentions=mentions(message),
        attachments=attachments(message),
        edited=edited,
        reply_to=str(reply.message_id) if reply is not None else None,
        is_command=is_command,
    )


def joined(update: ChatMemberUpdated) -> bool:
    """A `chat_member` change that brings a human into the chat."""
    was, now = update.old_chat_member, update.new_chat_member
    return _present(now) and not _present(was) and not now.user.is_bot


def left(update: ChatMemberUpdated) -> bool:
    return _present(update.old_chat_member) and not _present(update.new_chat_member)


def admin_changed(update: ChatMemberUpdated) -> bool:
    """Someone became or stopped being an admin (or an admin's rights changed)."""
    was, now = update.old_chat_member, update.new_chat_member
    return was.status in MODERATORS or now.status in MODERATORS


def _present(held: ChatMember) -> bool:
    if held.status == ChatMember.RESTRICTED:
        return bool(getattr(held, "is_member", False))
    return held.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)


def command(text: str, bot_username: str) -> tuple[str, list[str]] | None:
    """`/name[@bot] words...` as (name, words); None when it is no command, or one meant
    for another bot."""
    if not text.startswith("/") or not text[1:2].strip():
        return None
    head, *words = text[1:].split()
    name, _, addressee = head.partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return None
    if not name or not name.replace("_", "").isalnum():
        return None
    return name.lower(), words
