"""Each Telegram update as one call into the core, in order, at most once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from telegram import Bot, CallbackQuery, ChatMember, ChatMemberUpdated, Update, User
from telegram import Message as TgMessage
from telegram.error import TelegramError

from adapters.base import Core
from adapters.telegram import convert
from adapters.telegram.admins import Admins
from adapters.telegram.memory import Memory
from adapters.telegram.ui import MAX_ALERT, clip
from bot.actions import Posted, Reply, Response, gate_of, vote_of
from bot.commands.spec import Command
from bot.commands.words import args_from_words
from bot.events import BotStatus, Invocation, Join, Member, PlatformAction, Verification, Vote
from bot.i18n import Texts

log = logging.getLogger(__name__)
Send = Callable[[Reply], Awaitable[Posted | None]]
TextsFor = Callable[[str], Texts]
"""The texts of the community a chat belongs to."""


class Updates:
    """The adapter's inbound half. Messages are judged (commands too: Telegram shows them to
    everyone), then known commands run; button presses become votes or gate answers; member
    changes become joins, hand-made sanctions and admin-cache refreshes."""

    def __init__(
        self,
        core: Core,
        bot: Bot,
        admins: Admins,
        send: Send,
        commands: Mapping[str, Command],
        private_ttl: timedelta,
        clock: Callable[[], datetime],
        texts: TextsFor,
    ) -> None:
        self._core = core
        self._bot = bot
        self._admins = admins
        self._send = send
        self._commands = commands
        self._private_ttl = private_ttl
        self._clock = clock
        self._texts = texts
        self.memory = Memory()
        self.handled = 0
        """The id of the last update handled (tests wait on it)."""

    async def handle(self, update: Update) -> None:
        if not self.memory.first_time(update.update_id):
            log.info("update %s came again; it was handled already", update.update_id)
            return
        try:
            if update.message is not None:
                await self._message(update.message, edited=False)
            elif update.edited_message is not None:
                await self._message(update.edited_message, edited=True)
            elif update.callback_query is not None:
                await self._press(update.callback_query)
            elif update.chat_member is not None:
                await self._member_changed(update.chat_member)
            elif update.my_chat_member is not None:
                await self._bot_changed(update.my_chat_member)
        finally:
            self.handled = max(self.handled, update.update_id)

    def name_of(self, user_id: int) -> str | None:
        return self.memory.names.get(user_id)

    def _saw(self, user: User | None) -> None:
        if user is not None:
            self.memory.names.put(user.id, convert.display_name(user))

    async def member(self, chat_id: int, user: User) -> Member:
        """A user ranked by the chat's admin list."""
        status = await self._admins.status(chat_id, user.id)
        joined = self.memory.joins.get((chat_id, user.id))
        return convert.member(user, chat_id, status, joined)

    async def _bot_member(self, chat_id: int) -> Member:
        return await self.member(chat_id, self._bot.bot)

    async def _message(self, message: TgMessage, edited: bool) -> None:
        chat = message.chat
        if chat.type not in convert.GROUPS:
            return
        if chat.id not in self.memory.chats:
            self.memory.chats.put(chat.id, chat.title or "")
            log.info("telegram: a message in chat %s (%s)", chat.id, chat.title or "no title")
        self._saw(message.from_user)
        if message.new_chat_members:
            for user in message.new_chat_members:
                await self._join(chat.id, user, message.date)
            return
        if message.left_chat_member is not None:
            self.memory.left(chat.id, message.left_chat_member.id)
            return
        parsed = None if edited else convert.command(message.text or "", self._bot.username)
        known = parsed is not None and parsed[0] in self._commands
        why = convert.impersonal(message)
        if why is not None:
            log.debug("not judged: %s in chat %s", why, chat.id)
            anonymous = message.sender_chat is not None and message.sender_chat.id == chat.id
            if known and anonymous:
                await self._respond(
                    message, Response(self._texts(str(chat.id))("telegram.anonymous"))
                )
            return
        assert message.from_user is not None
        author = await self.member(chat.id, message.from_user)
        said = convert.to_message(message, author, edited=edited, is_command=known)
        decision = await self._core.on_message(said)
        if parsed is not None and known and not (decision is not None and decision.delete):
            await self._command(message, author, *parsed)

    async def _command(
        self, message: TgMessage, actor: Member, name: str, words: list[str]
    ) -> None:
        chat_id = message.chat.id
        spec = self._commands[name]
        replied = convert.replied_to(message)
        about = None
        if replied is not None and replied.from_user and convert.impersonal(replied) is None:
            writer = await self.member(chat_id, replied.from_user)
            about = convert.to_message(replied, writer)
        target: Member | None = None
        target_id: str | None = None
        if any(option.kind == "member" for option in spec.options):
            if about is not None:
                target_id = about.author.user_id
            elif words and words[0].isdigit():
                target_id = words.pop(0)
            if target_id is not None and int(target_id) not in convert.SERVICE_ACCOUNTS:
                target = await self._lookup(chat_id, int(target_id))
        invocation = Invocation(
            id=f"{chat_id}:{message.message_id}",
            platform=convert.PLATFORM,
            community_id=str(chat_id),
            channel_id=convert.channel_id(message),
            actor=actor,
            command=name,
            args=args_from_words(spec, words),
            target=target,
            target_id=target_id,
            message_id=about.message_id if about is not None else None,
            message=about,
            bot=await self._bot_member(chat_id),
            at=message.date,
        )
        await self._respond(message, await self._core.on_command(invocation))

    async def _lookup(self, chat_id: int, user_id: int) -> Member | None:
        """The member as Telegram knows them now (None when Telegram cannot say)."""
        try:
            held = await self._bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            log.info("could not look up %s in chat %s: %s", user_id, chat_id, exc)
            return None
        self._saw(held.user)
        joined = self.memory.joins.get((chat_id, user_id))
        return convert.member(held.user, chat_id, held.status, joined)

    async def _respond(self, message: TgMessage, response: Response) -> None:
        """The core's answer as a reply to the command. Telegram has no messages only one
        member sees, so a private answer removes itself after `private_reply_ttl`."""
        await self._send(
            Reply(
                convert.PLATFORM,
                str(message.chat.id),
                convert.channel_id(message),
                response.text,
                reply_to=str(message.message_id),
                delete_after=self._private_ttl if response.private else None,
            )
        )

    async def _press(self, query: CallbackQuery) -> None:
        where = query.message
        self._saw(query.from_user)
        response: Response | None = None
        if where is not None:
            chat_id, now = where.chat.id, self._clock()
            presser = await self.member(chat_id, query.from_user)
            pressed = vote_of(query.data or "")
            answer = gate_of(query.data or "")
            if pressed is not None:
                bot = await self._bot_member(chat_id)
                response = await self._core.on_vote(Vote(*pressed, presser, now, bot))
            elif answer is not None:
                response = await self._core.on_verify(Verification(presser, answer, now))
        try:
            await query.answer(
                clip(response.text, MAX_ALERT) if response else None,
                show_alert=response.private if response else None,
            )
        except TelegramError as exc:
            log.info("could not answer a button press: %s", exc)

    async def _join(self, chat_id: int, user: User, at: datetime) -> None:
        if user.is_bot or not self.memory.new_join(chat_id, user.id, at):
            return
        self._saw(user)
        try:
            count: int | None = await self._bot.get_chat_member_count(chat_id)
        except TelegramError as exc:
            log.info("could not count the members of chat %s: %s", chat_id, exc)
            count = None
        newcomer = convert.member(user, chat_id, None, at)
        await self._core.on_join(Join(newcomer, at, count))

    async def _member_changed(self, change: ChatMemberUpdated) -> None:
        chat_id, user = change.chat.id, change.new_chat_member.user
        if change.chat.type not in convert.GROUPS:
            return
        if convert.admin_changed(change):
            self._admins.drop(chat_id)
        if convert.joined(change):
            await self._join(chat_id, user, change.date)
        elif convert.left(change):
            self.memory.left(chat_id, user.id)
        await self._by_hand(change)

    async def _by_hand(self, change: ChatMemberUpdated) -> None:
        """A ban or mute an admin made in Telegram itself becomes a case (never re-applied)."""
        now, actor = change.new_chat_member, change.from_user
        if actor.is_bot or now.user.is_bot:
            return
        muted = now.status == ChatMember.RESTRICTED and not getattr(now, "can_send_messages", True)
        kind = "ban" if now.status == ChatMember.BANNED else "timeout" if muted else None
        if kind is None or change.old_chat_member.status == now.status:
            return
        until = getattr(now, "until_date", None)
        chat_id = change.chat.id
        await self._core.on_platform_action(
            PlatformAction(
                id=f"{chat_id}:{now.user.id}:{int(change.date.timestamp())}:{kind}",
                kind=kind,
                target=convert.member(now.user, chat_id),
                actor=await self.member(chat_id, actor),
                reason="",
                at=change.date,
                until=until if until is not None and until > change.date else None,
            )
        )

    async def _bot_changed(self, change: ChatMemberUpdated) -> None:
        chat = change.chat
        if chat.type not in convert.GROUPS:
            return
        self._admins.drop(chat.id)
        now = change.new_chat_member
        await self._core.on_bot_status(
            BotStatus(
                platform=convert.PLATFORM,
                community_id=str(chat.id),
                chat_name=chat.title or "",
                is_admin=now.status == ChatMember.ADMINISTRATOR,
                can_delete=bool(getattr(now, "can_delete_messages", False)),
                can_restrict=bool(getattr(now, "can_restrict_members", False)),
                at=change.date,
            )
        )
