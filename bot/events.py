"""Platform-neutral events: members, messages and joins, as adapters hand them to the core."""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time as an aware UTC datetime: the clock every component is given."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Member:
    """A member of a community on one platform. Ids are strings whatever the platform uses."""

    platform: str
    community_id: str
    user_id: str
    name: str
    is_bot: bool = False
    is_moderator: bool = False
    roles: frozenset[str] = frozenset()
    joined_at: datetime | None = None
    account_created_at: datetime | None = None
    rank: int = 0
    """Place in the platform's hierarchy, higher outranks lower (Discord's top role position,
    Telegram's member < admin < owner). Nobody may act on a member of equal or higher rank."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file on a message. `kind` is one of image, video, audio, sticker, file."""

    filename: str
    kind: str = "file"
    description: str = ""


@dataclass(frozen=True, slots=True)
class Message:
    """One message as every rule sees it.

    `text` joins every text surface the platform shows (body, caption, poll, embed text).
    `community_id` and `channel_id` are the platform's own ids; the core maps them to a
    modbot community. `mentions` holds user ids, `role_mentions` role ids, and
    `mentions_everyone` is true when the platform reports an @everyone/@here attempt.
    """

    platform: str
    community_id: str
    channel_id: str
    message_id: str
    author: Member
    text: str
    sent_at: datetime
    links: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    role_mentions: tuple[str, ...] = ()
    mentions_everyone: bool = False
    attachments: tuple[Attachment, ...] = ()
    edited: bool = False
    reply_to: str | None = None
    is_command: bool = False
    """The message runs a bot command (Telegram shows commands as messages): it is judged
    like any other, but never answered from the FAQ or counted as a question."""

    @property
    def key(self) -> str:
        """Identity across redeliveries: `platform:community:message`.

        An edit is a new text under the same message id, so it gets its own key (suffixed with
        a checksum of the new text): a redelivered edit converges, a different edit is judged.
        """
        base = f"{self.platform}:{self.community_id}:{self.message_id}"
        if not self.edited:
            return base
        digest = zlib.crc32(self.text.encode("utf-8", "surrogatepass"))
        return f"{base}:edit-{digest:08x}"


@dataclass(frozen=True, slots=True)
class Join:
    """A member joined a community (or came back)."""

    member: Member
    at: datetime
    member_count: int | None = None
    channel_id: str | None = None
    """Where to greet (the platform's welcome channel); None: the chat itself."""


@dataclass(frozen=True, slots=True)
class Invocation:
    """Someone ran a command. The adapter resolves the member option to `target` from its own
    member cache; when it cannot, `target` is None and `target_id` says who was meant.

    `id` is unique per invocation (interaction or update id): actions it causes are keyed
    `cmd:{platform}:{id}:{kind}`. `message` is the message the command replies to (or was
    run on, as a context action). `bot` is the bot's own member here (for its rank).
    """

    id: str
    platform: str
    community_id: str
    channel_id: str
    actor: Member
    command: str
    args: Mapping[str, str] = field(default_factory=dict)
    target: Member | None = None
    target_id: str | None = None
    message_id: str | None = None
    message: Message | None = None
    bot: Member | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Vote:
    """A moderator pressed a verdict button on an escalation notice."""

    escalation_id: int
    verdict: str
    voter: Member
    at: datetime
    bot: Member | None = None
    """The bot's own member in the voter's community (for its rank), as in `Invocation`."""


@dataclass(frozen=True, slots=True)
class Report:
    """A member reported a message to the moderators."""

    message: Message
    reporter: Member
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Verification:
    """A newcomer answered the welcome gate (pressed the button, or picked an answer)."""

    member: Member
    answer: str
    at: datetime


@dataclass(frozen=True, slots=True)
class PlatformAction:
    """A moderation action someone took by hand on the platform (not through modbot)."""

    id: str
    kind: str
    target: Member
    actor: Member | None
    reason: str
    at: datetime
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class BotStatus:
    """The bot's own rights in a chat changed (an admin promoted, demoted or removed it)."""

    platform: str
    community_id: str
    chat_name: str
    is_admin: bool
    can_delete: bool
    can_restrict: bool
    at: datetime
