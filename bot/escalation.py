"""Escalation to humans: open, notify moderators, take the first vote, expire with a fallback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.actions import Button, Decision, Reply, Response, Target
from bot.authz import check_actor
from bot.config import CommunityConfig, Config
from bot.config_sections import verdict_outcome
from bot.enforce import Enforcement, Enforcer, community_texts
from bot.events import Vote
from bot.i18n import Texts
from bot.messenger import Messenger
from bot.metrics import Metrics
from storage.escalations import DECIDED, EXPIRED, Escalation, EscalationDraft, EscalationStore

log = logging.getLogger(__name__)


def verdict_label(texts: Texts, verdict: str) -> str:
    kind, _, span = verdict.partition(":")
    duration = texts.duration(verdict_outcome(verdict).duration) if span else ""
    return texts(f"verdict.{kind}", duration=duration)


class Escalations:
    """Hard calls in the database, with a deadline. The first vote wins across platforms and
    processes; past the deadline the fallback applies once and the on-call moderators are
    pinged once. Everything survives a restart: buttons carry only the escalation id."""

    def __init__(
        self,
        config: Config,
        store: EscalationStore,
        enforcer: Enforcer,
        messenger: Messenger,
        metrics: Metrics,
        clock: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.store = store
        self._enforcer = enforcer
        self._messenger = messenger
        self._metrics = metrics
        self._clock = clock

    def _community(self, esc: Escalation) -> CommunityConfig:
        return self.config.community_for(esc.platform, esc.chat_id)

    async def open(self, draft: EscalationDraft) -> tuple[Escalation, bool]:
        """Open (or find) an escalation and, when new, post it to the moderators."""
        esc, created = await self.store.open(draft)
        if created:
            await self._notify(esc)
        return esc, created

    def draft(
        self,
        target: Target,
        community: CommunityConfig,
        *,
        kind: str,
        origin: str,
        rules: str,
        reason: str,
        excerpt: str | None,
        rank: int,
        case_id: int | None = None,
        protected: bool = False,
    ) -> EscalationDraft:
        now = self._clock()
        settings = self.config.escalation
        return EscalationDraft(
            community_id=community.id,
            origin_key=origin,
            kind=kind,
            platform=target.platform,
            chat_id=target.chat_id,
            channel_id=target.channel_id,
            message_id=target.message_id or None,
            user_id=target.user_id,
            user_name=target.user_name,
            user_rank=rank,
            rules=rules,
            reason=reason,
            excerpt=excerpt,
            options=list(settings.verdicts),
            deadline=now + settings.deadline,
            created_at=now,
            case_id=case_id,
            protected=protected,
        )

    async def _notify(self, esc: Escalation) -> None:
        community = self._community(esc)
        texts = community_texts(self.config, community)
        body = texts(
            "escalation.notice",
            id=esc.id,
            reason=esc.reason,
            user=esc.user_name,
            excerpt=esc.excerpt or "",
            rules=esc.rules or "-",
            deadline=f"{esc.deadline:%Y-%m-%d %H:%M}",
        )
        buttons = tuple(Button(verdict_label(texts, v), f"esc:{esc.id}:{v}") for v in esc.options)
        posted = await asyncio.gather(
            *(
                self._messenger.send(
                    Reply(
                        platform,
                        esc.chat_id if platform == esc.platform else "",
                        channel,
                        body,
                        buttons=buttons,
                    )
                )
                for platform, channel in community.moderator_channels.items()
            )
        )
        await self.store.add_notices(esc.id, [p for p in posted if p is not None])

    async def vote(self, vote: Vote) -> Response:
        """A moderator's verdict. Exactly one vote wins; later voters learn who decided."""
        esc = await self.store.get(vote.escalation_id)
        if esc is None:
            texts = community_texts(
                self.config, self.config.community_for(vote.voter.platform, vote.voter.community_id)
            )
            return Response(texts("escalation.unknown", id=vote.escalation_id))
        texts = community_texts(self.config, self._community(esc))
        refusal = check_actor(vote.voter, "vote")
        if refusal is not None:
            return Response(texts(refusal.key, **refusal.values))
        if esc.status != "open":
            return self._already(esc, texts)
        if vote.verdict not in esc.options:
            return Response(texts("escalation.bad_verdict", verdict=vote.verdict, id=esc.id))
        if vote.verdict != "dismiss":
            if esc.user_rank >= vote.voter.rank:
                return Response(texts("authz.outranks", user=esc.user_name))
            if vote.bot is None or esc.user_rank >= vote.bot.rank:
                return Response(texts("authz.bot_outranks", user=esc.user_name))
        won = await self.store.decide(
            esc.id, vote.verdict, vote.voter.user_id, vote.voter.name, vote.at, DECIDED
        )
        if not won:
            latest = await self.store.get(esc.id)
            return self._already(latest or esc, texts)
        await self._apply(esc, vote.verdict, vote.voter.user_id, vote.voter.name, texts)
        elapsed = texts.duration(max(vote.at - esc.created_at, timedelta(0)))
        decided = texts(
            "escalation.decided",
            id=esc.id,
            verdict=verdict_label(texts, vote.verdict),
            moderator=vote.voter.name,
            elapsed=elapsed,
        )
        await self._edit_notices(esc, decided)
        await self._metrics.decided(esc, vote.verdict, vote.at)
        return Response(
            texts("escalation.voted", id=esc.id, verdict=verdict_label(texts, vote.verdict))
        )

    def _already(self, esc: Escalation, texts: Texts) -> Response:
        return Response(
            texts(
                "escalation.already",
                id=esc.id,
                moderator=esc.decided_by_name or esc.decided_by or "-",
                verdict=verdict_label(texts, esc.verdict or "dismiss"),
            )
        )

    async def _apply(
        self, esc: Escalation, verdict: str, actor: str, actor_name: str, texts: Texts
    ) -> None:
        outcome = verdict_outcome(verdict)
        if not (outcome.delete or outcome.sanction):
            return
        target = Target(
            esc.platform,
            esc.chat_id,
            esc.user_id,
            esc.user_name,
            esc.channel_id,
            "" if esc.hidden else esc.message_id or "",
        )
        decision = Decision(outcome.delete, outcome.sanction, outcome.duration)
        community = self._community(esc)
        await self._enforcer.enforce(
            Enforcement(
                community=community,
                target=target,
                decision=decision,
                origin=f"esc:{esc.id}",
                guideline=self._guideline(esc, texts),
                actor=actor,
                actor_name=actor_name,
                reason=esc.reason,
                excerpt=esc.excerpt,
            )
        )

    def _guideline(self, esc: Escalation, texts: Texts) -> str:
        """The guideline of the first rule behind the escalation, in the community's words."""
        rules = {r.name: r.guideline for r in self.config.rules}
        guidelines = {g.id: g for g in self.config.guidelines}
        for rule in esc.rules.split(","):
            guideline = guidelines.get(rules.get(rule.strip(), ""))
            if guideline is not None:
                return guideline.title(texts.language)
        return ""

    async def _edit_notices(self, esc: Escalation, text: str) -> None:
        for posted in esc.notices:
            await self._messenger.edit(posted, text)

    async def expire_due(self) -> int:
        """Apply the fallback to every escalation past its deadline; returns how many."""
        done = 0
        for esc in await self.store.due(self._clock()):
            now = self._clock()
            # Reports alone never sanction a moderator: only a moderator's vote can.
            fallback = "dismiss" if esc.protected else self.config.escalation.fallback
            if not await self.store.decide(esc.id, fallback, "fallback", "fallback", now, EXPIRED):
                continue
            done += 1
            texts = community_texts(self.config, self._community(esc))
            await self._apply(esc, fallback, "fallback", "fallback", texts)
            label = verdict_label(texts, fallback)
            await self._edit_notices(esc, texts("escalation.expired", id=esc.id, verdict=label))
            await self._ping_on_call(esc, texts, label)
            await self._metrics.decided(esc, fallback, now)
        return done

    async def _ping_on_call(self, esc: Escalation, texts: Texts, label: str) -> None:
        community = self._community(esc)
        for platform, channel in community.moderator_channels.items():
            ping = tuple(
                user
                for p, _, user in (e.partition(":") for e in self.config.escalation.on_call)
                if p == platform
            )
            body = texts("escalation.ping", id=esc.id, verdict=label)
            chat = esc.chat_id if platform == esc.platform else ""
            await self._messenger.send(Reply(platform, chat, channel, body, ping=ping))

    async def run(self, stop: asyncio.Event, every: float = 5.0) -> None:
        """Expire due escalations every few seconds until `stop` is set."""
        while not stop.is_set():
            try:
                await self.expire_due()
            except Exception:  # noqa: BLE001 - keep expiring after a transient database error
                log.exception("expiring escalations failed")
            try:
                await asyncio.wait_for(stop.wait(), timeout=every)
            except TimeoutError:
                pass
