"""The offline default model: the feature matrix scored by a per-language head, floored by the
team's word lists. It works on a fresh machine with no network and no torch."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.models.features import ENCODER, FeatureExtractor
from bot.models.head import Head, load_head

DEFAULT_HEAD = "head-default.npz"


def default_head_path() -> Path:
    """The head that ships inside the package."""
    return Path(str(resources.files("bot.models") / "data" / DEFAULT_HEAD))


class BuiltinParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    head: str | None = None
    """A head file written by `modbot model fit`; the shipped one when left out."""
    threads: int = Field(default=2, ge=1, le=64)
    """BLAS threads for the encoder (more than the machine's cores makes it much slower)."""

    @field_validator("head")
    @classmethod
    def _exists(cls, head: str | None) -> str | None:
        if head is not None and not Path(head).is_file():
            raise ValueError(f"no head file at {head}; write one with modbot model fit --out FILE")
        return head


class BuiltinModel:
    """Scores `toxicity` only: the probability from the message's language head, raised to
    the severity of any team word list the message hits."""

    labels: tuple[str, ...] = ("toxicity",)

    def __init__(self, params: BuiltinParams) -> None:
        path = Path(params.head) if params.head else default_head_path()
        self.head: Head = load_head(path)
        self.head_path = path
        self.features = FeatureExtractor(params.threads)
        self.version = f"builtin-{ENCODER}-{self.head.digest}"

    def load(self) -> None:
        """Load the encoder now (App calls this in a thread before serving messages)."""
        self.features.load()

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        matrix, prepared = self.features.extract(texts)
        probabilities = self.head.probabilities(matrix, [p.language for p in prepared])
        return [
            {"toxicity": round(max(float(probability), item.floor), 4)}
            for probability, item in zip(probabilities, prepared, strict=True)
        ]
