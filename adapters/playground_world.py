"""The playground's pretend platform: members and their ranks, messages, and the effects of
actions (timeouts, bans, gates) that decide who may still post."""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.actions import Action, ActionKind, Posted, Reply
from bot.commands import COMMANDS
from bot.commands.words import args_from_words
from bot.config import PlaygroundConfig
from bot.events import Attachment, Invocation, Member, Message

PLATFORM = "playground"
CHANNEL = "general"
BOT_RANK = 60
RANKS = {"owner": 100, "admin": 50, "moderator": 10, "member": 0}
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{1,32})")
_ATTACH = re.compile(r"\[attach:\s*([^\]\n]{1,120})\]")
_KINDS = {
    "image": (".png", ".jpg", ".jpeg", ".gif", ".webp"),
    "video": (".mp4", ".mov", ".webm", ".mkv"),
    "audio": (".mp3", ".ogg", ".wav", ".m4a"),
}
_OLD_ACCOUNT = datetime(2020, 1, 1, tzinfo=UTC)
_OLD_MEMBER = datetime(2024, 1, 1, tzinfo=UTC)
_KEEP = 1000


def _kind(filename: str) -> str:
    lower = filename.lower()
    return next((k for k, exts in _KINDS.items() if lower.endswith(exts)), "file")


class World:
    def __init__(
        self, config: PlaygroundConfig, clock: Callable[[], datetime], session: str
    ) -> None:
        self.config = config
        self._clock = clock
        self._session = session
        self._next = 0
        self._next_message = 0
        self._messages: OrderedDict[int, Message] = OrderedDict()
        self._numbers: dict[str, int] = {}
        self._timeouts: dict[str, datetime] = {}
        self._banned: set[str] = set()
        self._restricted: set[str] = set()
        self._joined: dict[str, datetime] = {}

    @property
    def member_count(self) -> int:
        return len(self._joined)

    def _rank(self, user_id: str) -> int:
        if user_id == self.config.owner:
            return RANKS["owner"]
        if user_id in self.config.admins:
            return RANKS["admin"]
        return RANKS["moderator"] if user_id in self.config.moderators else RANKS["member"]

    def member(self, name: str) -> Member:
        user_id = name.lower()
        now = self._clock()
        newcomer = user_id in self.config.newcomers
        joined = self._joined.setdefault(
            user_id, now - timedelta(minutes=1) if newcomer else _OLD_MEMBER
        )
        rank = self._rank(user_id)
        return Member(
            platform=PLATFORM,
            community_id=self.config.community,
            user_id=user_id,
            name=name,
            is_moderator=rank >= RANKS["moderator"],
            joined_at=joined,
            account_created_at=now - timedelta(minutes=1) if newcomer else _OLD_ACCOUNT,
            rank=rank,
        )

    def join(self, name: str) -> Member:
        user_id = name.lower()
        self._joined[user_id] = self._clock()
        self._banned.discard(user_id)
        return self.member(name)

    @property
    def bot(self) -> Member:
        return Member(
            PLATFORM, self.config.community, "modbot", "modbot", is_bot=True, rank=BOT_RANK
        )

    def refusal(self, user_id: str) -> str | None:
        if user_id in self._banned:
            return f"{user_id} is banned"
        if user_id in self._restricted:
            return f"{user_id} has not passed the welcome gate yet"
        until = self._timeouts.get(user_id)
        if until is not None and until > self._clock():
            return f"{user_id} is timed out until {until:%H:%M:%S} UTC"
        return None

    def message(self, name: str, body: str) -> Message:
        """A member's message, numbered #1, #2, ... in the transcript."""
        self._next_message += 1
        mentioned = [m.lower() for m in _MENTION.findall(body)]
        reply = re.match(r"^\^(\d+)\s*", body)
        answered = self.by_number(int(reply.group(1))) if reply else None
        msg = Message(
            platform=PLATFORM,
            community_id=self.config.community,
            channel_id=CHANNEL,
            message_id=f"{self._session}-{self._next_message}",
            author=self.member(name),
            text=(_ATTACH.sub("", body[reply.end() :] if reply else body)).strip(),
            sent_at=self._clock(),
            mentions=tuple(dict.fromkeys(m for m in mentioned if m not in ("everyone", "here"))),
            mentions_everyone="everyone" in mentioned or "here" in mentioned,
            attachments=tuple(
                Attachment(f.strip(), _kind(f.strip())) for f in _ATTACH.findall(body)
            ),
            reply_to=answered.message_id if answered else None,
        )
        self._messages[self._next_message] = msg
        self._numbers[msg.message_id] = self._next_message
        while len(self._messages) > _KEEP:
            _, old = self._messages.popitem(last=False)
            self._numbers.pop(old.message_id, None)
        return msg

    def number(self, msg: Message) -> int:
        return self._numbers.get(msg.message_id, 0)

    def by_number(self, number: int) -> Message | None:
        return self._messages.get(number)

    def invocation(
        self, actor: Member, command: str, words: list[str], now: datetime
    ) -> Invocation:
        """A typed command: `@name` is the member option, `#3` the message it is about,
        `key=value` a named option, and the other words fill the options in order."""
        target = target_id = message = None
        named: dict[str, str] = {}
        positional: list[str] = []
        for word in words:
            if word.startswith("@") and target_id is None:
                target_id = word[1:].lower()
                if target_id in self._joined or target_id in self._banned:
                    target = self.member(word[1:])
            elif (
                word.startswith("#")
                and word[1:].isdigit()
                and message is None
                and command in ("report",)
            ):
                message = self.by_number(int(word[1:]))
            elif "=" in word and not word.startswith("="):
                key, _, value = word.partition("=")
                named[key] = value
            else:
                positional.append(word)
        self._next += 1
        return Invocation(
            id=f"{self._session}-c{self._next}",
            platform=PLATFORM,
            community_id=self.config.community,
            channel_id=CHANNEL,
            actor=actor,
            command=command,
            args={**args_from_words(COMMANDS.get(command), positional), **named},
            target=target,
            target_id=target_id,
            message_id=message.message_id if message else None,
            message=message,
            bot=self.bot,
            at=now,
        )

    def post(self, reply: Reply) -> Posted:
        self._next += 1
        return Posted(PLATFORM, reply.channel_id, f"b{self._next}")

    def apply(self, action: Action) -> str:
        who = action.user_id
        kind = action.kind
        if kind is ActionKind.DELETE:
            return f"message from {who} deleted"
        if kind is ActionKind.WARN:
            return f"modbot to @{who}: {action.reason}"
        if kind is ActionKind.TIMEOUT and action.until is not None:
            self._timeouts[who] = action.until
            return f"{who} timed out until {action.until:%H:%M:%S} UTC"
        if kind is ActionKind.UNTIMEOUT:
            self._timeouts.pop(who, None)
            return f"{who} may post again"
        if kind is ActionKind.KICK:
            self._joined.pop(who, None)
            self._restricted.discard(who)
            return f"{who} kicked"
        if kind is ActionKind.BAN:
            self._banned.add(who)
            self._joined.pop(who, None)
            return f"{who} banned"
        if kind is ActionKind.UNBAN:
            self._banned.discard(who)
            return f"{who} unbanned"
        if kind is ActionKind.RESTRICT:
            self._restricted.add(who)
            return f"{who} may not post until they pass the welcome gate"
        self._restricted.discard(who)
        return f"{who} passed the welcome gate"
