"""The Telegram adapter: python-telegram-bot's Application run inside modbot's own loop."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ContextTypes, ExtBot, TypeHandler

from adapters.base import Core, TransientError, Unreachable
from adapters.redact import Redactor
from adapters.telegram import actions, menu
from adapters.telegram.admins import Admins
from adapters.telegram.convert import PLATFORM
from adapters.telegram.limits import ModerationLimiter
from adapters.telegram.outbox import Outbox
from adapters.telegram.updates import Updates
from bot.actions import Action, Posted, Reply
from bot.commands import COMMANDS
from bot.commands.spec import Command
from bot.config import Config
from bot.config_errors import ConfigError
from bot.enforce import community_texts
from bot.events import utcnow
from bot.i18n import Texts

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "chat_member", "my_chat_member"]
MAX_RETRIES = 3


class TelegramAdapter:
    """Long polling (or a webhook with a secret) into one handler that takes updates one at
    a time, in order. Replies are plain text with entities, never parsed markup."""

    platform = PLATFORM

    def __init__(
        self,
        config: Config,
        token: str,
        *,
        clock: Callable[[], datetime] = utcnow,
        source: str = "config",
        commands: Mapping[str, Command] = COMMANDS,
    ) -> None:
        self.config = config
        self.settings = config.telegram
        self._token = token
        self._clock = clock
        self._source = source
        self._commands = commands
        self.ready = asyncio.Event()
        self._closed = asyncio.Event()
        self._app: Application | None = None
        self.updates: Updates | None = None
        self.outbox: Outbox | None = None
        hook = self.settings.webhook
        given = os.environ.get(hook.secret_env, "") if hook.secret_env else ""
        self.webhook_secret = given or secrets.token_urlsafe(32)

    def close(self) -> None:
        """Stop receiving, finish the updates already fetched, confirm them, disconnect."""
        self._closed.set()

    def _build(self) -> Application:
        base = self.settings.base_url.rstrip("/")
        timeout = self.settings.read_timeout.total_seconds()
        limiter = ModerationLimiter(
            overall_max_rate=self.settings.overall_per_second,
            group_max_rate=self.settings.group_per_minute,
            group_time_period=60,
            max_retries=MAX_RETRIES,
        )
        return (
            Application.builder()
            .token(self._token)
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .rate_limiter(limiter)
            .read_timeout(timeout)
            .get_updates_read_timeout(timeout)
            .get_updates_connection_pool_size(2)
            .build()
        )

    async def run(self, core: Core) -> None:
        redactor = Redactor([self._token, self.webhook_secret])
        redactor.install()
        try:
            app = self._build()
            app.add_handler(TypeHandler(Update, self._on_update))
            app.add_error_handler(self._on_error)
            try:
                await app.initialize()
            except InvalidToken:
                raise ConfigError(
                    self._source,
                    [
                        (
                            "telegram.token_env",
                            f"Telegram refused the token in ${self.settings.token_env} "
                            "([telegram] token_env); copy the bot's token from @BotFather "
                            "and set the variable again",
                        )
                    ],
                ) from None
            except TelegramError as exc:
                where = self.settings.base_url
                raise Unreachable(f"cannot reach Telegram at {where}: {exc}") from None
            try:
                await self._serve(app, core)
            finally:
                await self._stop(app)
        finally:
            redactor.uninstall()

    async def _serve(self, app: Application, core: Core) -> None:
        self._app = app
        self.outbox = Outbox(app.bot, self.settings, self._name)
        self.updates = Updates(
            core,
            app.bot,
            Admins(app.bot, self.settings.admin_cache),
            self.send,
            self._commands,
            self.settings.private_reply_ttl,
            self._clock,
            self._texts,
        )
        try:
            await menu.register(app.bot, self._commands)
        except TelegramError as exc:
            log.warning("could not register the command menu: %s", exc)
        await app.start()
        assert app.updater is not None
        if self.settings.mode == "webhook":
            hook = self.settings.webhook
            await app.updater.start_webhook(
                listen=hook.listen,
                port=hook.port,
                url_path=hook.path,
                webhook_url=hook.url,
                secret_token=self.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=5,
            )
        else:
            await app.updater.start_polling(
                timeout=self.settings.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
                bootstrap_retries=5,
            )
        log.info("telegram: connected as @%s (%s)", app.bot.username, self.settings.mode)
        self.ready.set()
        await self._closed.wait()

    async def _stop(self, app: Application) -> None:
        """Stop polling (its last call confirms the offset), finish the updates already
        fetched, then disconnect. Pending self-removals of bot messages are dropped."""
        if self.outbox is not None:
            self.outbox.close()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        self._app = self.outbox = None

    def _texts(self, chat_id: str) -> Texts:
        return community_texts(self.config, self.config.community_for(PLATFORM, chat_id))

    @property
    def username(self) -> str:
        return self._app.bot.username if self._app is not None else ""

    def describe(self) -> str:
        """Who the bot is here, once ready: `telegram @name (polling)`."""
        return f"telegram @{self.username} ({self.settings.mode})"

    @property
    def handled(self) -> int:
        """The id of the last update handled."""
        return self.updates.handled if self.updates is not None else 0

    async def _on_update(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert self.updates is not None
        await self.updates.handle(update)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        which = update.update_id if isinstance(update, Update) else "-"
        log.error("update %s failed", which, exc_info=error)

    def _name(self, user_id: int) -> str | None:
        return self.updates.name_of(user_id) if self.updates is not None else None

    def _bot(self) -> ExtBot[None]:
        if self._app is None:
            raise TransientError("not connected to Telegram")
        return self._app.bot

    async def apply(self, action: Action) -> None:
        await actions.apply(self._bot(), action, self._clock(), self._name)

    async def send(self, reply: Reply) -> Posted | None:
        return await self._outbox().send(reply)

    async def edit(self, posted: Posted, text: str) -> None:
        await self._outbox().edit(posted, text)

    async def retract(self, posted: Posted) -> None:
        await self._outbox().retract(posted)

    def _outbox(self) -> Outbox:
        if self.outbox is None:
            raise TransientError("not connected to Telegram")
        return self.outbox
