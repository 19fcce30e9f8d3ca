"""Record, then act, for every origin: automatic decisions, commands, verdicts and fallbacks.

One place applies the strike ladder, spares a member already timed out from being punished
again for what the timeout caused, makes bans follow linked accounts, and words the notice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from bot.actions import Action, ActionKind, Decision, Sanction, Target
from bot.config import CommunityConfig, Config
from bot.config_sections import LadderStep
from bot.executor import Executor
from bot.i18n import Texts
from storage.audit import PENDING, SKIPPED, AuditLog, CaseDraft, Prepared, Recorded
from storage.people import (
    Account,
    accounts_of,
    default_person,
    person_held,
    standing_of,
)


def community_texts(config: Config, community: CommunityConfig) -> Texts:
    """The texts of a community: its language and its own wording."""
    language = community.language or config.bot.language
    return Texts(language, community.texts.get(language))


@dataclass(frozen=True, slots=True)
class Enforcement:
    """Everything needed to record one decision and act on it."""

    community: CommunityConfig
    target: Target
    decision: Decision
    origin: str
    guideline: str = ""
    actor: str = "auto"
    actor_name: str | None = None
    reason: str | None = None
    excerpt: str | None = None
    scores: Mapping[str, float] | None = None
    model_version: str | None = None
    model_note: str | None = None
    policy_version: str = ""
    dry: bool = False
    strike: bool = True
    tell: bool = True
    """Tell the member (naming the guideline); off when a message is only hidden for review."""
    label: str | None = None
    """The case's decision word when it is not the sanction's (untimeout, unban, note)."""
    extra: tuple[Action, ...] = ()
    """Actions planned by the caller (lifting a timeout, a purge, a temporary ban's unban)."""


@dataclass(frozen=True, slots=True)
class Enforced:
    recorded: Recorded
    decision: Decision
    strikes: int


class Enforcer:
    def __init__(
        self,
        config: Config,
        audit: AuditLog,
        executor: Executor | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.config = config
        self._audit = audit
        self._executor = executor
        self._clock = clock

    async def enforce(self, job: Enforcement) -> Enforced:
        """Write the case (with its strike) and its actions in one transaction, then apply
        them unless dry. Retrying the same origin converges on the same case.

        The person's strikes are counted inside that transaction (holding their strike lock
        on PostgreSQL, where other processes write too), so two messages at once climb the
        ladder one step each, and a case costs the database one round trip."""
        now = self._clock()
        recorded, (decision, strikes) = await self._audit.record_prepared(
            lambda conn: self._prepare(conn, job, now),
            SKIPPED if job.dry else PENDING,
            (job.target.platform, job.target.user_id),
            numbered=job.actor != "auto",  # a moderator's command tells its case number
        )
        if recorded.created and not job.dry and self._executor is not None:
            await self._executor.execute(recorded.actions)
        return Enforced(recorded, decision, strikes)

    def _prepare(
        self, conn: Connection, job: Enforcement, now: datetime
    ) -> Prepared[tuple[Decision, int]]:
        """Draft the case inside its write transaction: the strike ladder from the person's
        strikes, the sparing of a member already timed out, the accounts a shared ban must
        reach, and the notice."""
        target, decision = job.target, job.decision
        community = job.community.id
        strike = job.strike and decision.sanction >= Sanction.WARN
        person = default_person(target.platform, target.user_id)
        counts: tuple[int, ...] = ()
        if decision.sanction > Sanction.NONE:
            # Only a sanction reads the person's record; a delete or a note needs none of it.
            person = person_held(conn, community, target.platform, target.user_id, strike)
            ladder = self.config.strikes.ladder if strike else []
            standing = standing_of(
                conn,
                community,
                person,
                (target.platform, target.chat_id, target.user_id),
                now,
                [now - step.within for step in ladder],
            )
            counts = standing.strikes
            if job.actor == "auto" and standing.timed_out_until is not None:
                # What the timeout caused is removed, not punished again.
                decision = replace(decision, sanction=Sanction.NONE, duration=timedelta(0))
                strike = False
        strikes, ladder_note = 0, ""
        texts = community_texts(self.config, job.community)
        if strike:
            decision, strikes, ladder_note = self._ladder(decision, counts, texts)
        notice = self._notice(decision, job.guideline, texts) + ladder_note
        also_ban: tuple[tuple[str, str, str], ...] = ()
        if decision.sanction is Sanction.BAN and job.community.share_bans:
            also_ban = _linked(accounts_of(conn, community, person), job.community, target)
        rules = ", ".join(sorted({h.rule for h in decision.hits if not h.shadow}))
        reason = job.reason or (f"{job.guideline} ({rules})" if job.guideline else rules)
        planned = decision.plan(target, job.origin, now, reason, notice, also_ban)
        if not job.tell:
            planned = [a for a in planned if a.kind is not ActionKind.WARN]
        draft = CaseDraft(
            community_id=community,
            origin_key=job.origin,
            platform=target.platform,
            chat_id=target.chat_id,
            channel_id=target.channel_id,
            message_id=target.message_id or None,
            user_id=target.user_id,
            user_name=target.user_name,
            decision=decision,
            label=job.label,
            policy_version=job.policy_version,
            created_at=now,
            actor=job.actor,
            actor_name=job.actor_name,
            strike_person=person if strike else None,
            excerpt=job.excerpt,
            scores=job.scores,
            model_version=job.model_version,
            model_note=job.model_note,
            dry_run=job.dry,
        )
        return Prepared(draft, [*planned, *job.extra], (decision, strikes))

    def _ladder(
        self, decision: Decision, counts: tuple[int, ...], texts: Texts
    ) -> tuple[Decision, int, str]:
        """Raise the outcome to the strongest ladder step this strike reaches; `counts` are
        the person's strikes within each step's window (pardoned ones excluded)."""
        reached: list[tuple[Sanction, int, LadderStep]] = []
        strikes = 0
        for step, before in zip(self.config.strikes.ladder, counts, strict=True):
            count = before + 1
            strikes = max(strikes, count)
            if count >= step.strikes:
                reached.append((Sanction[step.sanction.upper()], count, step))
        if not reached:
            return decision, strikes, ""
        sanction, count, step = max(reached, key=lambda r: (r[0], r[2].duration or timedelta(0)))
        raised = decision.merge(Decision(sanction=sanction, duration=step.duration or timedelta(0)))
        what = texts(f"verdict.{step.sanction}", duration=texts.duration(step.duration))
        note = " " + texts(
            "notice.ladder", strikes=count, window=texts.duration(step.within), sanction=what
        )
        return raised, strikes, note

    def _notice(self, decision: Decision, guideline: str, texts: Texts) -> str:
        kind = decision.sanction.name.lower() if decision.sanction > Sanction.NONE else "delete"
        key = f"notice.{kind}" if guideline else f"notice.{kind}_plain"
        return texts(key, guideline=guideline, duration=texts.duration(decision.duration))


def _linked(
    accounts: list[Account], community: CommunityConfig, target: Target
) -> tuple[tuple[str, str, str], ...]:
    """The (platform, chat, user) a shared ban must also reach: every other account of the
    person in every chat of the community."""
    found = []
    for account in accounts:
        for chat in community.platforms.get(account.platform, ()):
            if (account.platform, chat, account.user_id) != (
                target.platform,
                target.chat_id,
                target.user_id,
            ):
                found.append((account.platform, chat, account.user_id))
    return tuple(found)
