"""Config sections for the community manager's work: escalation, strikes, reports, welcome,
FAQ and text overrides."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from bot.actions import Outcome, Sanction
from bot.config_base import MAX_TIMEOUT, Localized, Strict, slug
from bot.i18n import check_override
from rules.base import Duration, parse_duration
from rules.patterns import PatternError, compile_user_pattern

VERDICT_KINDS = ("dismiss", "delete", "warn", "timeout", "kick", "ban")


def verdict_outcome(verdict: str) -> Outcome:
    """What a verdict does: `dismiss` nothing; every other verdict removes the message, and
    `warn`, `timeout:1h`, `kick` and `ban` add their sanction."""
    kind, _, span = verdict.partition(":")
    if kind == "dismiss":
        return Outcome()
    if kind == "delete":
        return Outcome(delete=True)
    duration = parse_duration(span) if span else timedelta(0)
    return Outcome(delete=True, sanction=Sanction[kind.upper()], duration=duration)


def _verdict(value: str) -> str:
    kind, _, span = value.partition(":")
    if kind not in VERDICT_KINDS:
        raise ValueError(f"unknown verdict {value!r}; one of {', '.join(VERDICT_KINDS)}")
    if (kind == "timeout") != bool(span):
        raise ValueError(f"{value!r}: a timeout verdict needs a duration (timeout:1h), others none")
    if span and not timedelta(seconds=30) <= parse_duration(span) <= MAX_TIMEOUT:
        raise ValueError(f"{value!r}: the timeout must be between 30s and 28d")
    return value


Verdict = Annotated[str, AfterValidator(_verdict)]


class EscalationConfig(Strict):
    """Hard calls go to humans: who decides, by when, and what happens if nobody does."""

    deadline: Duration = timedelta(hours=2)
    verdicts: list[Verdict] = Field(
        default=["dismiss", "delete", "warn", "timeout:1h", "ban"], min_length=1, max_length=6
    )
    fallback: Verdict = "timeout:1h"
    hide_while_open: bool = False
    on_call: list[str] = []


class LadderStep(Strict):
    strikes: int = Field(ge=1, le=100)
    within: Duration
    sanction: Literal["timeout", "kick", "ban"]
    duration: Duration | None = None

    @model_validator(mode="after")
    def _duration(self) -> LadderStep:
        if (self.sanction == "timeout") != (self.duration is not None):
            raise ValueError("a timeout step needs a duration; kick and ban steps take none")
        return self


class StrikesConfig(Strict):
    """Automatic hits and manual warns count as strikes; reaching a step applies it."""

    ladder: list[LadderStep] = [
        LadderStep(
            strikes=3, within=timedelta(days=30), sanction="timeout", duration=timedelta(days=1)
        ),
        LadderStep(strikes=5, within=timedelta(days=90), sanction="ban"),
    ]


class ReportsConfig(Strict):
    hide_after: int | None = Field(default=5, ge=1, le=100)
    """Distinct reporters after which the message is hidden until a moderator decides."""


class WelcomeConfig(Strict):
    enabled: bool = True
    delete_after: Duration | None = None
    cleanup_previous: bool = True
    gate: Literal["none", "button", "question"] = "none"
    gate_time: Duration = timedelta(minutes=10)
    on_gate_timeout: Literal["kick", "keep_restricted"] = "kick"
    question: Localized | None = None
    choices: list[str] = []
    answer: str | None = None

    @model_validator(mode="after")
    def _question(self) -> WelcomeConfig:
        if self.gate == "question":
            if self.question is None or not self.choices or self.answer is None:
                raise ValueError("a question gate needs `question`, `choices` and `answer`")
            if self.answer not in self.choices:
                raise ValueError(f"the answer {self.answer!r} must be one of the choices")
        return self


def _safe_pattern(pattern: str) -> str:
    try:
        compile_user_pattern(pattern)
    except PatternError as exc:
        raise ValueError(f"pattern {pattern[:40]!r} {exc}") from None
    return pattern


class FaqEntry(Strict):
    name: Annotated[str, AfterValidator(slug)]
    keywords: list[str] = []
    phrases: list[str] = []
    patterns: list[Annotated[str, AfterValidator(_safe_pattern)]] = Field(default=[], max_length=10)
    answer: Localized

    @model_validator(mode="after")
    def _triggers(self) -> FaqEntry:
        if not (self.keywords or self.phrases or self.patterns):
            raise ValueError("give `keywords`, `phrases` or `patterns` to say when to answer")
        return self


class FaqConfig(Strict):
    threshold: int = Field(default=85, ge=50, le=100)
    cooldown: Duration = timedelta(minutes=5)
    entries: list[FaqEntry] = []


def _overrides(values: dict[str, str]) -> dict[str, str]:
    for key, template in values.items():
        problem = check_override(key, template)
        if problem:
            raise ValueError(problem)
    return values


class TextOverrides(Strict):
    """A community's own wording for any catalogue text (bot/locales), per language."""

    en: dict[str, str] = {}
    id: dict[str, str] = {}

    _checked = field_validator("en", "id")(_overrides)

    def get(self, language: str) -> dict[str, str]:
        return self.id if language == "id" else self.en
