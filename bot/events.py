"""Platform-neutral events: members, messages and joins, as adapters hand them to the core."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
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
