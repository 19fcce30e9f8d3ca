"""Tell the moderators what the bot cannot do: rights it lost, actions a platform refused."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.actions import Action, Reply
from bot.config import Config
from bot.enforce import community_texts
from bot.events import BotStatus
from bot.messenger import Messenger

log = logging.getLogger(__name__)
QUIET = timedelta(minutes=10)


class Alerts:
    """Posts to the community's moderators' channels. A refused action alerts at most once
    per chat in `quiet`, so a burst of refusals (the bot was demoted) is one message."""

    def __init__(
        self,
        config: Config,
        messenger: Messenger,
        clock: Callable[[], datetime],
        quiet: timedelta = QUIET,
    ) -> None:
        self.config = config
        self._messenger = messenger
        self._clock = clock
        self._quiet = quiet
        self._last: dict[tuple[str, str], datetime] = {}

    async def bot_status(self, status: BotStatus) -> None:
        """Alert when the bot is not an admin, or lacks the rights moderation needs."""
        key = (status.platform, status.community_id)
        if status.is_admin and status.can_delete and status.can_restrict:
            self._last.pop(key, None)
            return
        community = self.config.community_for(status.platform, status.community_id)
        texts = community_texts(self.config, community)
        chat = status.chat_name or community.name or status.community_id
        if not status.is_admin:
            body = texts("alert.rights_lost", chat=chat)
        else:
            missing = [
                texts(f"alert.right_{name}")
                for name, held in (("delete", status.can_delete), ("restrict", status.can_restrict))
                if not held
            ]
            body = texts("alert.rights_missing", chat=chat, rights=", ".join(missing))
        self._last[key] = self._clock()
        await self._post(status.platform, status.community_id, body)

    async def denied(self, action: Action, reason: str) -> None:
        """Alert that the platform refused an action (once per chat in the quiet period)."""
        key = (action.platform, action.community_id)
        now = self._clock()
        last = self._last.get(key)
        if last is not None and now - last < self._quiet:
            return
        self._last[key] = now
        community = self.config.community_for(action.platform, action.community_id)
        texts = community_texts(self.config, community)
        body = texts(
            "alert.denied",
            action=texts(f"alert.{action.kind}"),
            user=action.user_id,
            chat=community.name or action.community_id,
            reason=reason,
        )
        await self._post(action.platform, action.community_id, body)

    async def _post(self, platform: str, chat_id: str, body: str) -> None:
        """To every moderators' channel of the chat's community, on every platform."""
        community = self.config.community_for(platform, chat_id)
        if not community.moderator_channels:
            log.warning("no moderators' channel for %s:%s: %s", platform, chat_id, body)
            return
        for where, channel in community.moderator_channels.items():
            chat = chat_id if where == platform else ""
            await self._messenger.send(Reply(where, chat, channel, body))
