"""The policy: a community's rule entries built from config, and `evaluate` over a message."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.actions import Decision, Hit, Outcome, Sanction
from bot.config import CommunityConfig, Config, Guideline, RuleConfig
from bot.events import Message
from rules import RULE_TYPES
from rules.base import Context, Rule, Scope
from rules.duplicates import DuplicatesRule
from rules.flood import FloodRule
from rules.words import load_lexicon

EVIDENCE_CHARS = 120
RULE_ERROR = "rule-error"


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """A configured rule: the built rule plus what it enforces, its outcome and its scope."""

    name: str
    rule: Rule
    guideline: str
    outcome: Outcome
    scope: Scope
    shadow: bool


@dataclass(frozen=True, slots=True)
class Policy:
    """One community's immutable policy. Reload swaps the whole object."""

    community: str
    settings: CommunityConfig
    language: str
    entries: tuple[RuleEntry, ...]
    guidelines: Mapping[str, Guideline]
    version: str
    dry_run: bool
    window: int
    scored: tuple[RuleEntry, ...] = ()
    """The entries whose rules read the model's scores."""

    def guideline_to_name(self, decision: Decision) -> str | None:
        """The guideline to tell the member about: that of the acting hit whose rule asks for
        the most (sanction first, then deletion)."""
        outcomes = {e.name: e.outcome for e in self.entries}
        acting = [h for h in decision.hits if not h.shadow and h.guideline in self.guidelines]
        if not acting:
            return None

        def weight(hit: Hit) -> tuple[int, bool]:
            outcome = outcomes.get(hit.rule, Outcome())
            return outcome.sanction, outcome.delete

        return max(acting, key=weight).guideline

    def needs_scores(self, msg: Message) -> bool:
        return any(e.scope.applies(msg) for e in self.scored)

    def exempt(self, msg: Message) -> bool:
        """True when no rule can apply to the author at all (bots, exempt moderators)."""
        if msg.author.is_bot:
            return True
        return msg.author.is_moderator and not any(e.scope.include_moderators for e in self.entries)

    def evaluate(self, msg: Message, ctx: Context) -> Decision:
        """Run in-scope rules cheapest first and merge their decisions.

        A rule that raises becomes a `rule-error` hit that escalates: a broken rule reaches
        a human, and never silently passes or blocks the message.
        """
        decision = Decision()
        for entry in self.entries:
            if not entry.scope.applies(msg):
                continue
            try:
                found = entry.rule.check(msg, ctx)
            except Exception as exc:  # noqa: BLE001 - any rule failure must reach a human
                reason = f"{entry.name} failed: {type(exc).__name__}: {exc}"[:300]
                hit = Hit(RULE_ERROR, entry.guideline, reason)
                decision = decision.merge(Decision(escalate=True, hits=(hit,)))
                continue
            if found is None:
                continue
            evidence = (
                msg.text[found.start : found.end][:EVIDENCE_CHARS] if found.start >= 0 else ""
            )
            hit = Hit(
                entry.name,
                entry.guideline,
                found.reason,
                found.start,
                found.end,
                evidence,
                entry.shadow,
            )
            outcome = Outcome(escalate=True) if found.grey else entry.outcome
            decision = decision.merge(Decision.from_hit(hit, outcome))
        return decision


def _outcome(rule: RuleConfig) -> Outcome:
    return Outcome(
        delete=rule.on_match.delete,
        sanction=Sanction[rule.on_match.sanction.upper()],
        duration=rule.on_match.duration or timedelta(0),
        escalate=rule.on_match.escalate,
    )


def _entry(rule: RuleConfig) -> RuleEntry:
    kind = RULE_TYPES[rule.type]
    built = kind(kind.Params.model_validate(rule.params))
    return RuleEntry(rule.name, built, rule.guideline, _outcome(rule), rule.scope, rule.shadow)


def policy_version(config: Config, rules: Sequence[RuleConfig]) -> str:
    """A short hash of everything that decides: guidelines, rules and the lexicons they use."""
    lexicons = sorted({n for r in rules for n in r.params.get("lexicons", ())})
    payload = {
        "guidelines": [g.model_dump(mode="json") for g in config.guidelines],
        "rules": [r.model_dump(mode="json") for r in rules],
        "lexicons": {name: load_lexicon(name) for name in lexicons},
        "dry_run": config.bot.dry_run,
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8"))
    return digest.hexdigest()[:12]


def build_policy(config: Config, community: CommunityConfig) -> Policy:
    """Build the policy of one community from a validated config."""
    rules = [r for r in config.rules if r.name not in community.disabled_rules]
    entries = sorted((_entry(r) for r in rules), key=lambda e: type(e.rule).cost)
    windowed = [e.rule for e in entries if isinstance(e.rule, FloodRule | DuplicatesRule)]
    window = max((r.count for r in windowed), default=1)
    return Policy(
        community=community.id,
        settings=community,
        language=community.language or config.bot.language,
        entries=tuple(entries),
        guidelines={g.id: g for g in config.guidelines},
        version=policy_version(config, rules),
        dry_run=config.bot.dry_run,
        window=window,
        scored=tuple(e for e in entries if e.rule.needs_scores),
    )
