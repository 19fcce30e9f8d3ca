"""The Bot API methods the fake answers, with Telegram's own checks and error texts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.platforms import telegram_payloads as tp
from tests.platforms.telegram_world import BOT_ID, Chat, World

JSON = dict[str, Any]
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class Methods:
    """One function per method; each validates like Telegram and changes the world."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.table: dict[str, Callable[[JSON], Any]] = {
            "getMe": lambda _: {**world.bot, "can_join_groups": True},
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "deleteMessage": self.delete_message,
            "banChatMember": self.ban,
            "unbanChatMember": self.unban,
            "restrictChatMember": self.restrict,
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            "getChatAdministrators": self.get_chat_administrators,
            "getChatMember": self.get_chat_member,
            "getChatMemberCount": self.get_chat_member_count,
        }

    def _chat(self, params: JSON) -> Chat:
        chat = self.world.chats.get(int(params["chat_id"]))
        if chat is None:
            raise bad("chat not found")
        held = chat.members.get(BOT_ID)
        if held is None or not tp.is_present(held):
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        return chat

    def _may_restrict(self, chat: Chat, user_id: int) -> JSON:
        rights = chat.members[BOT_ID]
        if rights["status"] != "administrator" or not rights.get("can_restrict_members"):
            raise bad("not enough rights to restrict/unrestrict chat member")
        target = chat.members.get(user_id)
        if target is None:
            raise bad("user not found")
        if target["status"] == "creator":
            raise bad("can't remove chat owner")
        if target["status"] == "administrator":
            raise bad("user is an administrator of the chat")
        return target

    def send_message(self, params: JSON) -> JSON:
        chat = self._chat(params)
        text = str(params.get("text", ""))
        if not text.strip():
            raise bad("message text is empty")
        if _utf16(text) > 4096:
            raise bad("message is too long")
        for found in params.get("entities") or []:
            if found["offset"] < 0 or found["offset"] + found["length"] > _utf16(text):
                raise bad("can't parse entities: entity beyond the end of the text")
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise bad("BUTTON_DATA_INVALID")
        message: JSON = {"date": self.world.now(), "chat": chat.data, "from": self.world.bot}
        message["text"] = text
        for key in ("entities", "reply_markup"):
            if params.get(key):
                message[key] = params[key]
        quoted = params.get("reply_parameters")
        if quoted:
            original = chat.messages.get(int(quoted["message_id"]))
            if original is not None:
                message["reply_to_message"] = dict(original)
            elif not quoted.get("allow_sending_without_reply"):
                raise bad("message to be replied not found")
        if params.get("message_thread_id"):
            message["message_thread_id"] = int(params["message_thread_id"])
        return self.world.store(chat, message)

    def edit_message_text(self, params: JSON) -> JSON:
        chat = self._chat(params)
        message = chat.messages.get(int(params["message_id"]))
        if message is None:
            raise bad("message to edit not found")
        if message["from"]["id"] != BOT_ID:
            raise bad("message can't be edited")
        markup = params.get("reply_markup")
        if message.get("text") == params["text"] and message.get("reply_markup") == markup:
            raise bad(NOT_MODIFIED)
        message["text"] = params["text"]
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = self.world.now()
        return message

    def delete_message(self, params: JSON) -> bool:
        chat = self._chat(params)
        message_id = int(params["message_id"])
        message = chat.messages.get(message_id)
        if message is None:
            raise bad("message to delete not found")
        rights = chat.members[BOT_ID]
        mine = message.get("from", {}).get("id") == BOT_ID
        if not mine and not (
            rights["status"] == "administrator" and rights.get("can_delete_messages")
        ):
            raise bad("message can't be deleted")
        del chat.messages[message_id]
        chat.deleted.add(message_id)
        return True

    def ban(self, params: JSON) -> bool:
        chat = self._chat(params)
        user_id = int(params["user_id"])
        old = self._may_restrict(chat, user_id)
        new = tp.chat_member(old["user"], "kicked", until=int(params.get("until_date") or 0))
        chat.members[user_id] = new
        if old["status"] != "kicked":
            self.world.changed_by_bot(chat, old["user"], old, new)
        return True

    def unban(self, params: JSON) -> bool:
        chat = self._chat(params)
        user_id = int(params["user_id"])
        old = chat.members.get(user_id)
        if old is None:
            return True
        if old["status"] == "kicked" or str(params.get("only_if_banned")) != "true":
            self._may_restrict(chat, user_id)
            new = tp.chat_member(old["user"], "left")
            chat.members[user_id] = new
            self.world.changed_by_bot(chat, old["user"], old, new)
        return True

    def restrict(self, params: JSON) -> bool:
        chat = self._chat(params)
        user_id = int(params["user_id"])
        old = self._may_restrict(chat, user_id)
        if not tp.is_present(old):
            raise bad("user is not a member of the chat")
        allowed = params.get("permissions") or {}
        if allowed and all(bool(v) for v in allowed.values()):
            new = tp.chat_member(old["user"], "member")
        else:
            until = int(params.get("until_date") or 0)
            new = tp.chat_member(old["user"], "restricted", permissions=allowed, until=until)
        chat.members[user_id] = new
        self.world.changed_by_bot(chat, old["user"], old, new)
        return True

    def answer_callback_query(self, params: JSON) -> bool:
        query_id = str(params["callback_query_id"])
        if query_id not in self.world.queries or query_id in self.world.answers:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        self.world.answers[query_id] = params
        return True

    def set_my_commands(self, params: JSON) -> bool:
        for command in params.get("commands") or []:
            if not _COMMAND.match(command["command"]):
                raise bad("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise bad("command description must be 1-256 characters")
        self.world.menus.append(params)
        return True

    def get_chat_administrators(self, params: JSON) -> list[JSON]:
        chat = self._chat(params)
        return [m for m in chat.members.values() if m["status"] in ("creator", "administrator")]

    def get_chat_member(self, params: JSON) -> JSON:
        chat = self._chat(params)
        held = chat.members.get(int(params["user_id"]))
        if held is None:
            raise bad("user not found")
        return held

    def get_chat_member_count(self, params: JSON) -> int:
        chat = self._chat(params)
        return sum(1 for m in chat.members.values() if tp.is_present(m))
