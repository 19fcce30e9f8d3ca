"""Member reports: thank the reporter, gather repeated reports into one escalation, and hide
the message once enough distinct members reported it."""

from __future__ import annotations

from bot.actions import Decision, Response, Target
from bot.config import Config
from bot.enforce import Enforcement, Enforcer, community_texts
from bot.escalation import Escalations
from bot.events import Report


class Reports:
    def __init__(self, config: Config, escalations: Escalations, enforcer: Enforcer) -> None:
        self.config = config
        self._escalations = escalations
        self._enforcer = enforcer

    async def report(self, report: Report) -> Response:
        msg, reporter = report.message, report.reporter
        community = self.config.community_for(msg.platform, msg.community_id)
        texts = community_texts(self.config, community)
        if msg.author.user_id == reporter.user_id:
            return Response(texts("members.report_self"))
        target = Target.of(msg)
        reason = report.reason.strip()[:300] or "-"
        draft = self._escalations.draft(
            target,
            community,
            kind="report",
            origin=f"report:{msg.key}",
            rules="",
            reason=texts("escalation.report", count=1, reason=reason),
            excerpt=msg.text[: self.config.bot.excerpt_chars] or None,
            rank=msg.author.rank,
            protected=msg.author.is_moderator,
        )
        esc, _ = await self._escalations.open(draft)
        store = self._escalations.store
        count = await store.add_report(
            esc.id, reporter.platform, reporter.user_id, reason, report.at
        )
        threshold = self.config.reports.hide_after
        hide = threshold is not None and count >= threshold and not esc.protected
        if hide and esc.status == "open":
            if await store.mark_hidden(esc.id):
                await self._enforcer.enforce(
                    Enforcement(
                        community=community,
                        target=target,
                        decision=Decision(delete=True),
                        origin=f"hide:{esc.id}",
                        actor="reports",
                        actor_name=f"{count} reports",
                        reason=f"hidden after {count} reports (escalation #{esc.id})",
                        excerpt=msg.text[: self.config.bot.excerpt_chars] or None,
                        strike=False,
                        tell=False,
                    )
                )
        return Response(texts("members.report_thanks"))
