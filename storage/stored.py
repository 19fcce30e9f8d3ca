"""An action as the audit log holds it, built from a row of the actions table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.actions import Action, ActionKind


@dataclass(frozen=True, slots=True)
class StoredAction:
    """An action as the audit log holds it."""

    id: int
    case_id: int
    action: Action
    status: str
    attempts: int
    due: datetime
    """When the action may be applied: now, a retry's time, or a temporary ban's end (for a
    claimed action: when the claim runs out)."""
    claimed_by: str | None = None
    """The process (its `instance` name) applying it now, if any."""
    started: bool = False
    """A notice that was handed to the platform by a try whose result was never written."""


def stored_action(row: Any) -> StoredAction:
    """Build from a result row of `select(ActionRow)`."""
    action = Action(
        kind=ActionKind(row.kind),
        platform=row.platform,
        community_id=row.chat_id,
        user_id=row.user_id,
        channel_id=row.channel_id,
        message_id=row.message_id,
        until=row.until,
        reason=row.reason,
        key=row.key,
    )
    return StoredAction(
        row.id,
        row.case_id,
        action,
        row.status,
        row.attempts,
        row.next_attempt_at,
        row.claimed_by,
        row.started_at is not None,
    )
