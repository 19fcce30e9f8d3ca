"""What the core decides and what it asks platforms to do: hits, decisions, actions, replies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from bot.events import Message


class Sanction(IntEnum):
    """Sanctions, ordered from mildest to strongest."""

    NONE = 0
    WARN = 1
    TIMEOUT = 2
    KICK = 3
    BAN = 4


class ActionKind(StrEnum):
    """Side effects on a platform. Each states a target state, so applying it twice is harmless."""

    DELETE = "delete"
    WARN = "warn"
    TIMEOUT = "timeout"
    KICK = "kick"
    BAN = "ban"
    UNTIMEOUT = "untimeout"
    UNBAN = "unban"
    RESTRICT = "restrict"
    UNRESTRICT = "unrestrict"


SANCTION_ACTION = {
    Sanction.TIMEOUT: ActionKind.TIMEOUT,
    Sanction.KICK: ActionKind.KICK,
    Sanction.BAN: ActionKind.BAN,
}


@dataclass(frozen=True, slots=True, order=True)
class Hit:
    """One rule's finding. `start`/`end` index the original message text (-1 when no span)."""

    rule: str
    guideline: str
    reason: str
    start: int = -1
    end: int = -1
    evidence: str = ""
    shadow: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a rule entry asks for when it matches. `duration` only applies to a timeout."""

    delete: bool = False
    sanction: Sanction = Sanction.NONE
    duration: timedelta = timedelta(0)
    escalate: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """The merged verdict on one message.

    `merge` is a join: commutative, associative and idempotent, with `Decision()` as its
    identity. Flags are OR-ed, the strongest sanction and the longest duration win, and hits
    are collected as a sorted set. A shadow hit is recorded but never changes the outcome.
    """

    delete: bool = False
    sanction: Sanction = Sanction.NONE
    duration: timedelta = timedelta(0)
    escalate: bool = False
    hits: tuple[Hit, ...] = ()

    @classmethod
    def from_hit(cls, hit: Hit, outcome: Outcome) -> Decision:
        if hit.shadow:
            return cls(hits=(hit,))
        return cls(outcome.delete, outcome.sanction, outcome.duration, outcome.escalate, (hit,))

    def merge(self, other: Decision) -> Decision:
        return Decision(
            delete=self.delete or other.delete,
            sanction=max(self.sanction, other.sanction),
            duration=max(self.duration, other.duration),
            escalate=self.escalate or other.escalate,
            hits=tuple(sorted(set(self.hits) | set(other.hits))),
        )

    @property
    def label(self) -> str:
        """One word for the decision: allow, delete, warn, timeout, kick, ban or escalate."""
        if self.sanction > Sanction.NONE:
            return self.sanction.name.lower()
        if self.delete:
            return "delete"
        if self.escalate:
            return "escalate"
        return "allow"

    def plan(
        self,
        target: Target,
        origin: str,
        now: datetime,
        reason: str,
        notice: str,
        also_ban: tuple[tuple[str, str, str], ...] = (),
    ) -> list[Action]:
        """Turn the outcome into ordered actions: delete, tell the member, then the sanction.

        `reason` goes to the platform's audit trail; `notice` is the text shown to the member.
        Keys are `{origin}:{kind}` (origin `auto:{message key}`, `cmd:{invocation}`,
        `esc:{escalation}`), so a retried origin plans the same keys. `also_ban` lists the
        (platform, chat, user) accounts linked to the target that a ban must follow.
        """

        def action(
            kind: ActionKind, until: datetime | None = None, text: str = reason, on: Target = target
        ) -> Action:
            suffix = "" if on is target else f":{on.platform}:{on.user_id}"
            return Action(
                kind=kind,
                platform=on.platform,
                community_id=on.chat_id,
                user_id=on.user_id,
                channel_id=on.channel_id,
                message_id=on.message_id,
                until=until,
                reason=text,
                key=f"{origin}:{kind}{suffix}",
            )

        planned: list[Action] = []
        if self.delete and target.message_id:
            planned.append(action(ActionKind.DELETE))
        if self.delete or self.sanction > Sanction.NONE:
            planned.append(action(ActionKind.WARN, text=notice))
        kind = SANCTION_ACTION.get(self.sanction)
        if kind is not None:
            timed = kind is ActionKind.TIMEOUT
            planned.append(action(kind, until=now + self.duration if timed else None))
        if self.sanction is Sanction.BAN:
            for platform, chat, user in also_ban:
                linked = Target(platform, chat, user, user)
                planned.append(action(ActionKind.BAN, on=linked))
        return planned


@dataclass(frozen=True, slots=True)
class Target:
    """Who (and which message, if any) an outcome is applied to."""

    platform: str
    chat_id: str
    user_id: str
    user_name: str
    channel_id: str = ""
    message_id: str = ""

    def action(
        self,
        kind: ActionKind,
        origin: str,
        reason: str,
        *,
        until: datetime | None = None,
        not_before: datetime | None = None,
        message_id: str | None = None,
        channel_id: str | None = None,
    ) -> Action:
        """One action on this target keyed `{origin}:{kind}` (plus the message for deletes
        of other messages, as in a purge, which may sit in other channels)."""
        other = message_id is not None and message_id != self.message_id
        return Action(
            kind=kind,
            platform=self.platform,
            community_id=self.chat_id,
            user_id=self.user_id,
            channel_id=channel_id or self.channel_id,
            message_id=message_id if message_id is not None else self.message_id,
            until=until,
            reason=reason,
            key=f"{origin}:{kind}" + (f":{message_id}" if other else ""),
            not_before=not_before,
        )

    @classmethod
    def of(cls, msg: Message) -> Target:
        author = msg.author
        return cls(
            msg.platform,
            msg.community_id,
            author.user_id,
            author.name,
            msg.channel_id,
            msg.message_id,
        )


@dataclass(frozen=True, slots=True)
class Action:
    """A side effect on a platform, committed to the audit log before it is applied.

    For `warn`, `reason` is the text shown to the member; for the others it is the reason
    written to the platform's own audit trail. `until` is absolute (timeouts, temporary bans).
    `message_id` is empty when no message is involved.
    """

    kind: ActionKind
    platform: str
    community_id: str
    user_id: str
    channel_id: str
    message_id: str
    until: datetime | None
    reason: str
    key: str
    not_before: datetime | None = None
    """When set, the action waits until then (a temporary ban's unban)."""


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a bot message. `data` (at most 64 bytes) comes back when pressed."""

    label: str
    data: str


def vote_of(data: str) -> tuple[int, str] | None:
    """An escalation notice's button, `esc:<escalation>:<verdict>`, as (escalation, verdict)."""
    kind, _, rest = data.partition(":")
    number, _, verdict = rest.partition(":")
    if kind == "esc" and number.isdigit() and verdict:
        return int(number), verdict
    return None


def gate_of(data: str) -> str | None:
    """The welcome gate's button, `gate:<answer>`, as the core reads it."""
    return data if data.startswith("gate:") and len(data) > len("gate:") else None


@dataclass(frozen=True, slots=True)
class Reply:
    """A message the bot posts. Only `mention_user_id` and the ids in `ping` may be pinged;
    every other mention in `text` has already been neutralised. `private_to` asks for a
    message only that member sees (ephemeral or direct) where the platform allows it."""

    platform: str
    community_id: str
    channel_id: str
    text: str
    reply_to: str | None = None
    mention_user_id: str | None = None
    private_to: str | None = None
    delete_after: timedelta | None = None
    buttons: tuple[Button, ...] = ()
    ping: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Posted:
    """Where a bot message landed, so it can be edited or removed later."""

    platform: str
    channel_id: str
    message_id: str


@dataclass(frozen=True, slots=True)
class Response:
    """The core's answer to a command, a vote, a report or a verification."""

    text: str
    private: bool = True
