"""Privacy in the audit log: message content expires, and a member can be forgotten while the
counts stay."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.actions import Decision
from storage.audit import AuditLog, CaseDraft
from storage.db import Database
from storage.models import ActionRow, CaseRow, HitRow
from storage.models_community import (
    AmendmentRow,
    EscalationRow,
    GateRow,
    IdentityRow,
    LinkCodeRow,
    ReportRow,
    StrikeRow,
)
from storage.models_metrics import ActivityRow, JoinRow
from storage.people import default_person

log = logging.getLogger(__name__)
FORGOTTEN = "forgotten"


async def purge_content(db: Database, before: datetime) -> int:
    """Erase what members wrote (case excerpts, hit evidence, escalation excerpts, report
    reasons) from everything recorded before `before`. Decisions, actions and counts stay.
    Returns how many rows lost content."""
    old_cases = select(CaseRow.id).where(CaseRow.created_at < before)
    old_escalations = select(EscalationRow.id).where(EscalationRow.created_at < before)
    async with db.write() as conn:
        changed = 0
        for stmt in (
            update(CaseRow)
            .where(CaseRow.created_at < before, CaseRow.excerpt.is_not(None))
            .values(excerpt=None),
            update(HitRow)
            .where(HitRow.case_id.in_(old_cases), HitRow.evidence != "")
            .values(evidence="", span_start=-1, span_end=-1),
            update(EscalationRow)
            .where(EscalationRow.created_at < before, EscalationRow.excerpt.is_not(None))
            .values(excerpt=None),
            update(ReportRow)
            .where(ReportRow.escalation_id.in_(old_escalations), ReportRow.reason != "")
            .values(reason=""),
        ):
            changed += int((await conn.execute(stmt)).rowcount or 0)
    return changed


async def keep_content_for(
    db: Database,
    days: int,
    clock: Callable[[], datetime],
    stop: asyncio.Event,
    every: float = 3600.0,
) -> None:
    """Erase content older than `days` now and then every `every` seconds, until `stop`."""
    while not stop.is_set():
        try:
            erased = await purge_content(db, clock() - timedelta(days=days))
            if erased:
                log.info("erased the content of %d row(s) older than %d days", erased, days)
        except Exception:  # noqa: BLE001 - tried again at the next round
            log.exception("erasing old message content failed")
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
        except TimeoutError:
            pass


@dataclass
class Forgotten:
    """What `forget` changed, table by table, and the anonymous id that now stands for the
    member (one per erasure, so counts of distinct members stay right)."""

    tombstone: str
    rows: dict[str, int] = field(default_factory=dict)
    kept_pending: int = 0
    """Actions still to be applied to the member: kept as they are until applied."""

    @property
    def total(self) -> int:
        return sum(self.rows.values())


async def forget(db: Database, platform: str, user_id: str, now: datetime) -> Forgotten:
    """Erase one account's personal data in every community: its id becomes an anonymous
    tombstone, names become "forgotten", excerpts and evidence of its cases go, its links
    to other accounts and its link codes are deleted. Cases, strikes, actions and daily
    counts stay (anonymous), so moderation figures do not change. Each community the
    account had cases in gets a `forget` case naming only the tombstone."""
    done = Forgotten(f"{FORGOTTEN}:{secrets.token_hex(6)}")
    async with db.write() as conn:
        communities = (
            await conn.scalars(
                select(CaseRow.community_id)
                .where(CaseRow.platform == platform, CaseRow.user_id == user_id)
                .distinct()
            )
        ).all()
        await _erase(conn, platform, user_id, done)
    audit = AuditLog(db)
    for community in sorted(communities):
        draft = CaseDraft(
            community_id=community,
            origin_key=f"forget:{done.tombstone}:{community}",
            platform=platform,
            chat_id="",
            channel_id="",
            message_id=None,
            user_id=done.tombstone,
            user_name=FORGOTTEN,
            decision=Decision(),
            policy_version="",
            created_at=now,
            label="forget",
            actor="cli",
        )
        await audit.record_case(draft, ())
    return done


async def _erase(conn: AsyncConnection, platform: str, user_id: str, done: Forgotten) -> None:
    tomb = done.tombstone
    own_cases = select(CaseRow.id).where(CaseRow.platform == platform, CaseRow.user_id == user_id)
    persons = set(
        (
            await conn.scalars(
                select(IdentityRow.person_id).where(
                    IdentityRow.platform == platform, IdentityRow.user_id == user_id
                )
            )
        ).all()
    )
    persons.add(default_person(platform, user_id))
    pending = (ActionRow.platform == platform, ActionRow.user_id == user_id)
    done.kept_pending = len(
        (
            await conn.scalars(select(ActionRow.id).where(*pending, ActionRow.status == "pending"))
        ).all()
    )
    steps = {
        "case_hits": update(HitRow)
        .where(HitRow.case_id.in_(own_cases))
        .values(evidence="", span_start=-1, span_end=-1),
        "cases": update(CaseRow)
        .where(CaseRow.platform == platform, CaseRow.user_id == user_id)
        .values(user_id=tomb, user_name=FORGOTTEN, excerpt=None),
        "cases (as actor)": update(CaseRow)
        .where(CaseRow.platform == platform, CaseRow.actor == user_id)
        .values(actor=tomb, actor_name=FORGOTTEN),
        "actions": update(ActionRow)
        .where(*pending, ActionRow.status != "pending")
        .values(user_id=tomb),
        "escalations": update(EscalationRow)
        .where(EscalationRow.platform == platform, EscalationRow.user_id == user_id)
        .values(user_id=tomb, user_name=FORGOTTEN, excerpt=None),
        "escalations (as voter)": update(EscalationRow)
        .where(EscalationRow.platform == platform, EscalationRow.decided_by == user_id)
        .values(decided_by=tomb, decided_by_name=FORGOTTEN),
        "reports": update(ReportRow)
        .where(ReportRow.platform == platform, ReportRow.reporter_id == user_id)
        .values(reporter_id=tomb, reason=""),
        "case_amendments": update(AmendmentRow)
        .where(AmendmentRow.actor == user_id)
        .values(actor=tomb, actor_name=FORGOTTEN),
        "strikes": update(StrikeRow)
        .where(StrikeRow.person_id.in_(sorted(persons)))
        .values(person_id=tomb),
        "identities": delete(IdentityRow).where(
            IdentityRow.platform == platform, IdentityRow.user_id == user_id
        ),
        "link_codes": delete(LinkCodeRow).where(
            LinkCodeRow.platform == platform, LinkCodeRow.user_id == user_id
        ),
        "activity_days": update(ActivityRow)
        .where(ActivityRow.platform == platform, ActivityRow.user_id == user_id)
        .values(user_id=tomb),
        "joins": update(JoinRow)
        .where(JoinRow.platform == platform, JoinRow.user_id == user_id)
        .values(user_id=tomb),
        "gates": update(GateRow)
        .where(GateRow.platform == platform, GateRow.user_id == user_id)
        .values(user_id=tomb),
    }
    for name, stmt in steps.items():
        done.rows[name] = int((await conn.execute(stmt)).rowcount or 0)
