"""Toxicity: acts on the model's scores, and hands the grey band to humans."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator

from bot.events import Message
from rules.base import Context, Finding, Rule, StrictModel

LABELS = (
    "toxicity",
    "severe_toxicity",
    "obscene",
    "threat",
    "insult",
    "identity_attack",
    "sexual_explicit",
)


class ToxicityRule(Rule):
    """Acts when the label's score is at least `act_at`; between `escalate_at` and `act_at`
    the message goes to humans. Skips when the model gave no score (down, slow, or the label
    is one the backend does not score)."""

    class Params(StrictModel):
        label: str = "toxicity"
        act_at: float = Field(default=0.9, gt=0, le=1)
        escalate_at: float | None = Field(default=0.7, gt=0, le=1)

        @model_validator(mode="after")
        def _check(self) -> ToxicityRule.Params:
            if self.label not in LABELS:
                raise ValueError(f"unknown label {self.label!r}; one of {', '.join(LABELS)}")
            if self.escalate_at is not None and self.escalate_at >= self.act_at:
                raise ValueError(
                    f"escalate_at ({self.escalate_at}) must be below act_at ({self.act_at})"
                )
            return self

    cost: ClassVar[int] = 50
    needs_scores: ClassVar[bool] = True

    def __init__(self, params: Params) -> None:
        self._label = params.label
        self._act = params.act_at
        self._escalate = params.escalate_at

    def check(self, msg: Message, ctx: Context) -> Finding | None:
        if ctx.scores is None:
            return None
        score = ctx.scores.get(self._label)
        if score is None:
            return None
        if score >= self._act:
            return Finding(f"{self._label} {score:.2f} >= {self._act}")
        if self._escalate is not None and score >= self._escalate:
            return Finding(f"{self._label} {score:.2f} in the grey band", grey=True)
        return None
