"""One message from adapter to audit log: normalise, score, evaluate, record, then act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.actions import Action, Decision, Sanction
from bot.classifier import BatchingClassifier, Scores
from bot.config import Config
from bot.events import Message
from bot.executor import Executor
from bot.i18n import duration, text
from bot.policy import Policy, build_policy
from bot.window import RecentWindow
from rules.base import Context, Recent, fingerprint
from rules.normalize import normalize
from storage.audit import PENDING, SKIPPED, AuditLog, CaseDraft


@dataclass(frozen=True, slots=True)
class Judgement:
    """What the core decided about one message, before anything is written."""

    policy: Policy
    decision: Decision
    scores: Scores | None
    model_version: str | None
    model_note: str | None


class Policies:
    """The policy of each community, built once from the config, found by platform chat."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._built: dict[str, Policy] = {}
        self._chats: dict[tuple[str, str], Policy] = {}

    def for_message(self, msg: Message) -> Policy:
        chat = (msg.platform, msg.community_id)
        policy = self._chats.get(chat)
        if policy is None:
            community = self._config.community_for(*chat)
            policy = self._built.get(community.id)
            if policy is None:
                policy = self._built[community.id] = build_policy(self._config, community)
            self._chats[chat] = policy
        return policy


class Pipeline:
    """The core as adapters see it: `on_message` judges, records, then acts."""

    def __init__(
        self,
        config: Config,
        *,
        clock: Callable[[], datetime],
        classifier: BatchingClassifier | None = None,
        audit: AuditLog | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.config = config
        self.policies = Policies(config)
        self._clock = clock
        self._classifier = classifier
        self._audit = audit
        self._executor = executor
        self._window = RecentWindow()

    async def judge(
        self, msg: Message, scores: Scores | None = None, model_version: str | None = None
    ) -> Judgement | None:
        """Decide about a message without writing anything. None for bots and exempt members.

        `scores` (from `model_version`) may be given: replay scores whole files in big
        batches. Otherwise the classifier is asked when the policy needs it.
        """
        policy = self.policies.for_message(msg)
        if policy.exempt(msg):
            return None
        views = normalize(msg.text, self.config.bot.max_scan_chars)
        entry = Recent(msg.sent_at, msg.channel_id, fingerprint(views))
        recent = self._window.push(policy.community, msg.author.user_id, entry, policy.window)
        note = None
        if scores is None and policy.needs_scores(msg):
            if self._classifier is None:
                note = "no model configured"
            else:
                scores = await self._classifier.score(msg.text)
                model_version = self._classifier.model.version
                note = None if scores is not None else "model unavailable (timeout or error)"
        ctx = Context(views=views, now=msg.sent_at, recent=recent, scores=scores)
        return Judgement(policy, policy.evaluate(msg, ctx), scores, model_version, note)

    async def on_message(self, msg: Message) -> Decision | None:
        """Judge a message; if any rule hit, record the case and its actions, then apply them.

        A redelivered message finds its case already recorded and does nothing more.
        """
        judgement = await self.judge(msg)
        if judgement is None or not judgement.decision.hits:
            return judgement.decision if judgement else None
        await self.record(msg, judgement, act=True)
        return judgement.decision

    async def record(self, msg: Message, judgement: Judgement, *, act: bool) -> bool:
        """Write the case (and, when `act`, apply its actions). False if it was already known."""
        if self._audit is None:
            raise RuntimeError("this pipeline has no audit log")
        policy, decision = judgement.policy, judgement.decision
        dry = policy.dry_run or not act
        actions = self.plan(msg, policy, decision)
        draft = CaseDraft(
            community_id=policy.community,
            origin_key=f"auto:{msg.key}",
            platform=msg.platform,
            chat_id=msg.community_id,
            channel_id=msg.channel_id,
            message_id=msg.message_id,
            user_id=msg.author.user_id,
            user_name=msg.author.name,
            decision=decision,
            policy_version=policy.version,
            created_at=self._clock(),
            excerpt=msg.text[: self.config.bot.excerpt_chars] or None,
            scores=judgement.scores,
            model_version=judgement.model_version,
            model_note=judgement.model_note,
            dry_run=dry,
        )
        recorded = await self._audit.record_case(draft, actions, SKIPPED if dry else PENDING)
        if recorded.created and not dry and self._executor is not None:
            await self._executor.execute(recorded.actions)
        return recorded.created

    def plan(self, msg: Message, policy: Policy, decision: Decision) -> list[Action]:
        """The decision's actions, with the member's notice in the community's language."""
        acting = [h for h in decision.hits if not h.shadow]
        if not acting or not (decision.delete or decision.sanction > Sanction.NONE):
            return []
        guideline_id = policy.guideline_to_name(decision)
        language = policy.language
        guideline = policy.guidelines[guideline_id].title(language) if guideline_id else ""
        kind = decision.sanction.name.lower() if decision.sanction > Sanction.NONE else "delete"
        values = {"guideline": guideline, "duration": duration(language, decision.duration)}
        notice = text(language, f"notice.{kind}", **values)
        rules = ", ".join(sorted({h.rule for h in acting}))
        reason = f"{guideline} ({rules})" if guideline else rules
        return decision.plan(msg, self._clock(), reason=reason, notice=notice)
