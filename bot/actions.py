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

    def plan(self, msg: Message, now: datetime, reason: str, notice: str) -> list[Action]:
        """Turn the outcome into ordered actions: delete, tell the member, then the sanction.

        `reason` goes to the platform's audit trail; `notice` is the text shown to the member.
        Keys are `auto:{message key}:{kind}`, so a redelivered message plans the same keys.
        """
        author = msg.author

        def action(kind: ActionKind, until: datetime | None = None, text: str = reason) -> Action:
            return Action(
                kind=kind,
                platform=msg.platform,
                community_id=msg.community_id,
                user_id=author.user_id,
                channel_id=msg.channel_id,
                message_id=msg.message_id,
                until=until,
                reason=text,
                key=f"auto:{msg.key}:{kind}",
            )

        planned: list[Action] = []
        if self.delete:
            planned.append(action(ActionKind.DELETE))
        if self.delete or self.sanction > Sanction.NONE:
            planned.append(action(ActionKind.WARN, text=notice))
        kind = SANCTION_ACTION.get(self.sanction)
        if kind is not None:
            until = now + self.duration if kind is ActionKind.TIMEOUT else None
            planned.append(action(kind, until=until))
        return planned


@dataclass(frozen=True, slots=True)
class Action:
    """A side effect on a platform, committed to the audit log before it is applied.

    For `warn`, `reason` is the text shown to the member; for the others it is the reason
    written to the platform's own audit trail. `until` is absolute (timeouts only).
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
