"""The core as adapters see it: one method per platform event, every decision made here."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from bot.actions import Decision, Hit, Reply, Response, Sanction, Target
from bot.authz import Refusal, check_actor, check_target, logged
from bot.backlog import is_outage
from bot.commands.spec import Command, Context
from bot.config import CommunityConfig
from bot.enforce import Enforced, Enforcement, community_texts
from bot.events import (
    BotStatus,
    Invocation,
    Join,
    Message,
    PlatformAction,
    Report,
    Verification,
    Vote,
)
from bot.faq import is_question
from bot.pipeline import Judgement
from bot.policy import RULE_ERROR
from bot.services import Services
from rules.base import parse_duration
from rules.normalize import Views, normalize
from storage.audit import CaseDraft

log = logging.getLogger(__name__)
TOXIC_AT = 0.5
"""A scored message counts as toxic, for the health figures, at this toxicity score."""


class Core:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def on_message(self, msg: Message) -> Decision | None:
        """Judge, record and act on a message; then count it, and answer it from the FAQ."""
        if msg.author.is_bot:
            return None
        s = self.services
        community = s.config.community_for(msg.platform, msg.community_id)
        s.metrics.message(community.id, msg.platform, msg.author.user_id, msg.sent_at)
        s.messages.add(
            msg.platform, msg.community_id, msg.author.user_id, msg.channel_id, msg.message_id
        )
        judgement = await s.pipeline.judge(msg)
        decision = judgement.decision if judgement else None
        if judgement is not None and decision is not None:
            self._count_scores(community.id, msg, judgement)
            if decision.hits:
                try:
                    await self._record(msg, judgement)
                except Exception as exc:
                    if not is_outage(exc):
                        raise
                    s.backlog.keep(lambda: self._record(msg, judgement))
        if (decision is None or not decision.delete) and not msg.is_command:
            views = (
                judgement.views if judgement else normalize(msg.text, s.config.bot.max_scan_chars)
            )
            await self._questions(msg, views, community)
        return decision

    async def _record(self, msg: Message, judgement: Judgement) -> None:
        """Record, then act (and escalate). While the database is down the caller keeps this
        in the backlog: nothing is done to the member before the case is written."""
        enforced = await self.services.pipeline.record(msg, judgement)
        decision = judgement.decision
        if decision.escalate and enforced.recorded.created and not judgement.policy.dry_run:
            await self._escalate(msg, judgement, enforced)

    def _count_scores(self, community: str, msg: Message, judgement: Judgement) -> None:
        if judgement.scores is None:
            return
        self.services.metrics.count(community, msg.platform, msg.sent_at, "scored")
        if judgement.scores.get("toxicity", 0.0) >= TOXIC_AT:
            self.services.metrics.count(community, msg.platform, msg.sent_at, "toxic")

    async def _escalate(self, msg: Message, judgement: Judgement, enforced: Enforced) -> None:
        s = self.services
        community = judgement.policy.settings
        texts = community_texts(s.config, community)
        acting = [h for h in judgement.decision.hits if not h.shadow]
        broken = any(h.rule == RULE_ERROR for h in acting)
        reason = texts("escalation.rule_error") if broken else "; ".join(h.reason for h in acting)
        target = Target.of(msg)
        draft = s.escalations.draft(
            target,
            community,
            kind="rule-error" if broken else "rule",
            origin=f"auto-esc:{msg.key}",
            rules=",".join(sorted({h.rule for h in acting})),
            reason=reason,
            excerpt=msg.text[: s.config.bot.excerpt_chars] or None,
            rank=msg.author.rank,
            case_id=enforced.recorded.case_id,
        )
        esc, created = await s.escalations.open(draft)
        hide = s.config.escalation.hide_while_open and not judgement.decision.delete
        if created and hide and await s.escalations.store.mark_hidden(esc.id):
            await s.enforcer.enforce(
                Enforcement(
                    community=community,
                    target=target,
                    decision=Decision(delete=True),
                    origin=f"hide:{esc.id}",
                    actor="escalation",
                    reason=f"escalation #{esc.id}",
                    strike=False,
                    tell=False,
                )
            )

    async def _questions(self, msg: Message, views: Views, community: CommunityConfig) -> None:
        s = self.services
        if msg.reply_to:
            await _counted(
                s.metrics.answered(
                    msg.platform, msg.community_id, msg.reply_to, "member", msg.sent_at
                )
            )
        asked = is_question(views)
        if asked:
            await _counted(
                s.metrics.asked(
                    community.id, msg.platform, msg.community_id, msg.message_id, msg.sent_at
                )
            )
        answer = await s.faq.answer(msg, views, community)
        if answer is None:
            return
        await s.messenger.send(
            Reply(
                msg.platform, msg.community_id, msg.channel_id, answer.text, reply_to=msg.message_id
            )
        )
        if not asked:
            await _counted(
                s.metrics.asked(
                    community.id, msg.platform, msg.community_id, msg.message_id, msg.sent_at
                )
            )
        await _counted(
            s.metrics.answered(msg.platform, msg.community_id, msg.message_id, "faq", s.clock())
        )

    async def tick(self) -> None:
        """Do what has fallen due now: expire escalations and welcome gates, retry pending
        actions, write the health counters. Workers call this on a timer; the playground's
        `~ 2h` calls it after moving time."""
        s = self.services
        await s.escalations.expire_due()
        await s.welcome.expire_due()
        await s.executor.reconcile()
        await s.metrics.flush()

    async def on_join(self, join: Join) -> None:
        await self.services.welcome.on_join(join)

    async def on_vote(self, vote: Vote) -> Response:
        return await self.services.escalations.vote(vote)

    async def on_report(self, report: Report) -> Response:
        return await self.services.reports.report(report)

    async def on_verify(self, verification: Verification) -> Response:
        return await self.services.welcome.on_verify(verification)

    async def on_bot_status(self, status: BotStatus) -> None:
        """The bot was demoted, removed or given too few rights: tell the moderators."""
        await self.services.alerts.bot_status(status)

    async def on_platform_action(self, action: PlatformAction) -> None:
        """Record a ban, timeout or kick made by hand on the platform (never re-applied)."""
        if action.actor is not None and action.actor.is_bot:
            return
        target = action.target
        community = self.services.config.community_for(target.platform, target.community_id)
        sanction = {"ban": Sanction.BAN, "timeout": Sanction.TIMEOUT, "kick": Sanction.KICK}.get(
            action.kind, Sanction.NONE
        )
        until = action.until
        span = (until - action.at) if until is not None else None
        decision = Decision(
            sanction=sanction,
            duration=span or Decision().duration,
            hits=(Hit("manual", "", action.reason or f"{action.kind} on the platform"),),
        )
        draft = CaseDraft(
            community_id=community.id,
            origin_key=f"platform:{target.platform}:{action.id}",
            platform=target.platform,
            chat_id=target.community_id,
            channel_id="",
            message_id=None,
            user_id=target.user_id,
            user_name=target.name,
            decision=decision,
            policy_version="",
            created_at=action.at,
            label=action.kind,
            actor=action.actor.user_id if action.actor else "platform",
            actor_name=action.actor.name if action.actor else None,
        )
        await self.services.audit.record_case(draft, ())

    async def on_command(self, invocation: Invocation) -> Response:
        s = self.services
        community = s.config.community_for(invocation.platform, invocation.community_id)
        texts = community_texts(s.config, community)
        spec = s.commands.get(invocation.command)
        if spec is None:
            return Response(texts("cmd.unknown", command=invocation.command))
        refusal = self._authorise(spec, invocation)
        args: dict[str, Any] = {}
        if refusal is None:
            args, refusal = self._parse(spec, invocation)
        if logged(refusal, invocation.actor, spec.name) is not None:
            assert refusal is not None
            return Response(texts(refusal.key, **refusal.values))
        now = invocation.at or s.clock()
        return await spec.handler(Context(invocation, community, texts, args, s, now))

    def _authorise(self, spec: Command, inv: Invocation) -> Refusal | None:
        if spec.moderator:
            refusal = check_actor(inv.actor, spec.name)
            if refusal is not None:
                return refusal
        if not any(o.kind == "member" for o in spec.options):
            return None
        if inv.target is None and spec.absent_ok and inv.target_id:
            return None
        if spec.acts_on_member:
            return check_target(inv.actor, inv.target, inv.bot, spec.name, inv.target_id)
        if inv.target is None:
            key = "authz.target_missing" if inv.target_id else "authz.target_needed"
            return Refusal(key, {"command": spec.name})
        return None

    def _parse(self, spec: Command, inv: Invocation) -> tuple[dict[str, Any], Refusal | None]:
        args: dict[str, Any] = {}
        for option in spec.options:
            raw = inv.args.get(option.name)
            if option.kind == "member":
                continue
            if raw is None or str(raw).strip() == "":
                if option.required:
                    return args, Refusal(
                        "authz.bad_option",
                        {"command": spec.name, "option": option.name, "problem": "is required"},
                    )
                continue
            try:
                args[option.name] = _parse_value(
                    option.kind, str(raw), option.minimum, option.maximum
                )
            except ValueError as exc:
                return args, Refusal(
                    "authz.bad_option",
                    {"command": spec.name, "option": option.name, "problem": str(exc)},
                )
        return args, None


async def _counted(write: Awaitable[None]) -> None:
    """A health count the database cannot take now is skipped: the answer still goes out."""
    try:
        await write
    except Exception as exc:
        if not is_outage(exc):
            raise
        log.debug("a health count was skipped: the database is unavailable (%s)", exc)


def _parse_value(kind: str, raw: str, minimum: int, maximum: int) -> Any:
    if kind == "duration":
        return parse_duration(raw)
    if kind == "integer":
        try:
            value = int(raw.lstrip("#"))
        except ValueError:
            raise ValueError(f"must be a whole number (got {raw!r})") from None
        if not minimum <= value <= maximum:
            raise ValueError(f"must be between {minimum} and {maximum} (got {value})")
        return value
    if kind == "word":
        return raw.strip().split()[0]
    return raw.strip()
