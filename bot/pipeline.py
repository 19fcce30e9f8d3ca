"""One message from adapter to audit log: normalise, score, evaluate, then record and act."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.actions import Decision, Target
from bot.classifier import BatchingClassifier, Scores
from bot.config import Config
from bot.enforce import Enforced, Enforcement, Enforcer
from bot.events import Message
from bot.policy import Policy, build_policy
from bot.shared_window import SharedWindow
from bot.window import RecentWindow
from rules.base import Context, Recent, fingerprint
from rules.normalize import Views, normalize


@dataclass(frozen=True, slots=True)
class Judgement:
    """What the core decided about one message, before anything is written."""

    policy: Policy
    decision: Decision
    views: Views
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
    """Judges messages against their community's policy, and records what it decided."""

    def __init__(
        self,
        config: Config,
        *,
        clock: Callable[[], datetime],
        classifier: BatchingClassifier | None = None,
        enforcer: Enforcer | None = None,
        window: RecentWindow | SharedWindow | None = None,
    ) -> None:
        self.config = config
        self.policies = Policies(config)
        self._clock = clock
        self._classifier = classifier
        self._enforcer = enforcer
        self._window = window or RecentWindow()

    def reconfigure(self, config: Config) -> None:
        """Use a new config: policies are rebuilt; the flood and duplicate memory stays."""
        self.config = config
        self.policies = Policies(config)

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
        recent = await self._window.remember(
            policy.community, msg.author.user_id, entry, policy.window
        )
        note = None
        if scores is None and policy.needs_scores(msg):
            if self._classifier is None:
                note = "unscored: no model configured"
            else:
                scores = await self._classifier.score(msg.text)
                model_version = self._classifier.model.version
                note = (
                    None
                    if scores is not None
                    else "unscored: the model timed out, failed or was busy"
                )
        ctx = Context(views=views, now=msg.sent_at, recent=recent, scores=scores)
        decision = policy.evaluate(msg, ctx)
        return Judgement(policy, decision, views, scores, model_version, note)

    async def record(self, msg: Message, judgement: Judgement, *, act: bool = True) -> Enforced:
        """Write the case and (when `act` and not in dry run) apply its actions."""
        if self._enforcer is None:
            raise RuntimeError("this pipeline has no audit log")
        policy, decision = judgement.policy, judgement.decision
        guideline_id = policy.guideline_to_name(decision)
        language = policy.language
        guideline = policy.guidelines[guideline_id].title(language) if guideline_id else ""
        return await self._enforcer.enforce(
            Enforcement(
                community=policy.settings,
                target=Target.of(msg),
                decision=decision,
                origin=f"auto:{msg.key}",
                guideline=guideline,
                excerpt=msg.text[: self.config.bot.excerpt_chars] or None,
                scores=judgement.scores,
                model_version=judgement.model_version,
                model_note=judgement.model_note,
                policy_version=policy.version,
                dry=policy.dry_run or not act,
            )
        )
