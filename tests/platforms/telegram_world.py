"""The fake Telegram's world: chats, members and their statuses, messages, button presses.

Members act through it (`say`, `edit`, `join`, `press`, ...), which pushes the update
Telegram would send; the bot acts through the Bot API (telegram_methods.py), which changes
the same state. A restricted or banned member cannot post, as on Telegram.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tests.platforms import telegram_payloads as tp

JSON = dict[str, Any]
BOT_ID = 7_000_000_001
BOT_USERNAME = "modbot_test_bot"


@dataclass
class Chat:
    data: JSON
    members: dict[int, JSON] = field(default_factory=dict)
    messages: dict[int, JSON] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    next_id: int = 100

    @property
    def id(self) -> int:
        return int(self.data["id"])


class World:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.bot = tp.user(BOT_ID, "modbot", username=BOT_USERNAME, bot=True)
        self.chats: dict[int, Chat] = {}
        self.queries: dict[str, tuple[JSON, JSON]] = {}
        self.answers: dict[str, JSON] = {}
        self.menus: list[JSON] = []
        self.push: Callable[[JSON], int] = lambda update: 0
        self._queries = 0

    def now(self) -> int:
        return int(self.clock().timestamp())

    def group(self, chat_id: int, title: str, *, forum: bool = False, bot: str = "admin") -> Chat:
        """A supergroup with the bot in it (`admin`, `member`, or `none`)."""
        found = Chat(tp.chat(chat_id, title, forum=forum))
        self.chats[chat_id] = found
        if bot == "admin":
            found.members[BOT_ID] = tp.chat_member(self.bot, "administrator")
        elif bot == "member":
            found.members[BOT_ID] = tp.chat_member(self.bot, "member")
        return found

    def add(self, chat_id: int, who: JSON, status: str = "member") -> JSON:
        self.chats[chat_id].members[who["id"]] = tp.chat_member(who, status)
        return who

    def status(self, chat_id: int, user_id: int) -> str:
        held = self.chats[chat_id].members.get(user_id)
        return held["status"] if held else "never"

    def can_post(self, chat_id: int, user_id: int) -> bool:
        held = self.chats[chat_id].members.get(user_id)
        if held is None or not tp.is_present(held):
            return False
        if held["status"] != "restricted":
            return True
        until = held.get("until_date") or 0
        return bool(held["can_send_messages"]) or bool(until and until <= self.now())

    def store(self, chat: Chat, message: JSON) -> JSON:
        chat.next_id += 1
        message["message_id"] = chat.next_id
        chat.messages[chat.next_id] = message
        return message

    def say(
        self,
        chat_id: int,
        who: JSON,
        text: str | None = None,
        *,
        reply_to: int | None = None,
        topic: int | None = None,
        **fields: Any,
    ) -> JSON:
        """A member posts (text, or any other message fields such as caption and photo)."""
        chat = self.chats[chat_id]
        if not self.can_post(chat_id, who["id"]) and "sender_chat" not in fields:
            raise PermissionError(f"{who['first_name']} may not post in {chat_id}")
        message: JSON = {"date": self.now(), "chat": chat.data, "from": who, **fields}
        if text is not None:
            message["text"] = text
        if reply_to is not None:
            message["reply_to_message"] = dict(chat.messages[reply_to])
        if topic is not None:
            message.update({"message_thread_id": topic, "is_topic_message": True})
        self.store(chat, message)
        self.push({"message": message})
        return message

    def post_as(self, chat_id: int, **fields: Any) -> JSON:
        """A message Telegram itself relays (anonymous admins, channels, service accounts):
        `from` and `sender_chat` as given, no membership checks."""
        chat = self.chats[chat_id]
        message = self.store(chat, {"date": self.now(), "chat": chat.data, **fields})
        self.push({"message": message})
        return message

    def edit(self, chat_id: int, message_id: int, text: str) -> JSON:
        message = self.chats[chat_id].messages[message_id]
        message.update({"text": text, "edit_date": self.now()})
        self.push({"edited_message": dict(message)})
        return message

    def join(self, chat_id: int, who: JSON, *, service: bool = True, change: bool = True) -> None:
        """A newcomer arrives: the service message, the `chat_member` update, or both."""
        chat = self.chats[chat_id]
        old = chat.members.get(who["id"]) or tp.chat_member(who, "left")
        new = tp.chat_member(who, "member")
        chat.members[who["id"]] = new
        if service:
            message = {"date": self.now(), "chat": chat.data, "from": who}
            message["new_chat_members"] = [who]
            self.push({"message": self.store(chat, message)})
        if change:
            self.push(tp.member_update(chat.data, who, old, new, self.now()))

    def set_status(self, chat_id: int, who: JSON, status: str, actor: JSON, **shape: Any) -> None:
        """An admin changes someone's status by hand (promote, demote, ban, mute)."""
        chat = self.chats[chat_id]
        old = chat.members.get(who["id"]) or tp.chat_member(who, "left")
        new = tp.chat_member(who, status, **shape)
        chat.members[who["id"]] = new
        mine = who["id"] == BOT_ID
        self.push(tp.member_update(chat.data, actor, old, new, self.now(), mine=mine))

    def changed_by_bot(self, chat: Chat, who: JSON, old: JSON, new: JSON) -> None:
        self.push(tp.member_update(chat.data, self.bot, old, new, self.now()))

    def press(self, chat_id: int, message_id: int, who: JSON, data: str) -> str:
        """Press a button of a message the bot sent; returns the callback query id."""
        message = self.chats[chat_id].messages[message_id]
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        offered = [b["callback_data"] for row in rows for b in row]
        if data not in offered:
            raise LookupError(f"message {message_id} has no button {data!r} (has {offered})")
        self._queries += 1
        query_id = f"cbq{self._queries}"
        self.queries[query_id] = (who, message)
        self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": who,
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                    "message": dict(message),
                }
            }
        )
        return query_id

    def sent_by_bot(self, chat_id: int) -> list[JSON]:
        chat = self.chats[chat_id]
        return [m for m in chat.messages.values() if m.get("from", {}).get("id") == BOT_ID]

    def last_from_bot(self, chat_id: int) -> JSON:
        return self.sent_by_bot(chat_id)[-1]
