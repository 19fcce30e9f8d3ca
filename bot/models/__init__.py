"""Model backends, by the name `[model] backend` uses."""

from __future__ import annotations

from bot.classifier import Model
from bot.config import ModelConfig
from bot.models.double import KeywordDouble


def build_model(config: ModelConfig) -> Model | None:
    """The configured model, or None when `backend = "none"`."""
    if config.backend == "double":
        return KeywordDouble(KeywordDouble.Params.model_validate(config.params))
    return None
