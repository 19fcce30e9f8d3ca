"""A deterministic stand-in for a toxicity model, for tests and dry runs of a policy."""

from __future__ import annotations

import time
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from rules.normalize import fold


class KeywordDouble:
    """Scores a text by marker words: `toxic` markers give `high`, `grey` markers give
    `middle`, anything else `low`, on every label. Same text, same scores, always.
    `delay` makes every batch that slow (to test timeouts); `fail` makes it raise."""

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)

        toxic: list[str] = ["toxicmarker"]
        grey: list[str] = ["greymarker"]
        high: float = Field(default=0.97, ge=0, le=1)
        middle: float = Field(default=0.8, ge=0, le=1)
        low: float = Field(default=0.02, ge=0, le=1)
        delay: float = Field(default=0.0, ge=0, le=60)
        fail: bool = False

    labels: tuple[str, ...] = (
        "toxicity",
        "severe_toxicity",
        "obscene",
        "threat",
        "insult",
        "identity_attack",
    )
    version: str = "keyword-double-1"

    def __init__(self, params: Params) -> None:
        self._params = params
        self._toxic = [fold(w) for w in params.toxic]
        self._grey = [fold(w) for w in params.grey]

    def _score(self, text: str) -> float:
        folded = fold(text)
        if any(marker in folded for marker in self._toxic):
            return self._params.high
        if any(marker in folded for marker in self._grey):
            return self._params.middle
        return self._params.low

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if self._params.delay:
            time.sleep(self._params.delay)
        if self._params.fail:
            raise RuntimeError("the test double was told to fail")
        return [dict.fromkeys(self.labels, self._score(text)) for text in texts]
