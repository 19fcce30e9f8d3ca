"""Moderators' verdicts read back from the audit log as labelled text, so a community's head can
learn from its own moderators (`modbot model fit --audit`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from storage.db import Database
from storage.models import CaseRow
from storage.models_community import EscalationRow, StrikeRow

MACHINE_ACTORS = ("auto", "fallback")
NEVER = datetime.min.replace(tzinfo=UTC)
SANCTIONS = ("delete", "warn", "timeout", "kick", "ban")


@dataclass(frozen=True, slots=True)
class Verdict:
    """A message text a human judged: 1 = should not stand, 0 = fine."""

    text: str
    label: int
    at: datetime
    source: str


async def moderator_verdicts(db: Database, community: str | None = None) -> list[Verdict]:
    """Human judgements on message texts, one per text (the latest wins):

    - an escalation a moderator decided: `dismiss` is clean, any other verdict toxic (the
      deadline's fallback is no human's judgement and is left out);
    - a moderator's own action on a message (a command run on it): toxic;
    - an automatic strike a moderator pardoned: clean.
    Only messages whose excerpt the audit log kept can be used.
    """
    escalations = select(
        EscalationRow.excerpt, EscalationRow.verdict, EscalationRow.decided_at
    ).where(
        EscalationRow.status != "open",
        EscalationRow.decided_by.not_in(MACHINE_ACTORS),
        EscalationRow.excerpt.is_not(None),
        EscalationRow.decided_at.is_not(None),
    )
    manual = select(CaseRow.excerpt, CaseRow.created_at).where(
        CaseRow.actor.not_in(MACHINE_ACTORS),
        CaseRow.origin_key.startswith("cmd:"),
        CaseRow.decision.in_(SANCTIONS),
        CaseRow.excerpt.is_not(None),
    )
    pardoned = (
        select(CaseRow.excerpt, StrikeRow.pardoned_at)
        .join(StrikeRow, StrikeRow.case_id == CaseRow.id)
        .where(
            CaseRow.actor == "auto",
            StrikeRow.pardoned_at.is_not(None),
            CaseRow.excerpt.is_not(None),
        )
    )
    if community is not None:
        escalations = escalations.where(EscalationRow.community_id == community)
        manual = manual.where(CaseRow.community_id == community)
        pardoned = pardoned.where(CaseRow.community_id == community)
    found: list[tuple[str | None, int, datetime | None, str]] = []
    async with db.read() as conn:
        for text, verdict, at in await conn.execute(escalations):
            found.append((text, 0 if verdict == "dismiss" else 1, at, "escalation"))
        for text, at in await conn.execute(manual):
            found.append((text, 1, at, "moderator action"))
        for text, at in await conn.execute(pardoned):
            found.append((text, 0, at, "pardon"))
    latest: dict[str, Verdict] = {}
    for text, label, at, source in sorted(found, key=lambda row: row[2] or NEVER):
        if text and text.strip() and at is not None:
            latest[text] = Verdict(text, label, at, source)
    return list(latest.values())
