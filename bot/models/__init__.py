"""Model backends, by the name `[model] backend` uses. Importing this never imports torch:
heavy libraries load when a backend is built."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.classifier import Model
from bot.models.detoxify_backend import DetoxifyModel, DetoxifyParams, ModelError
from bot.models.double import KeywordDouble
from bot.models.onnx_backend import OnnxModel, OnnxParams

BACKENDS: dict[str, tuple[type[BaseModel], Any]] = {
    "double": (KeywordDouble.Params, KeywordDouble),
    "detoxify": (DetoxifyParams, DetoxifyModel),
    "onnx": (OnnxParams, OnnxModel),
}


def build_model(backend: str, params: dict[str, Any]) -> Model | None:
    """The configured model, or None when the backend is `none`."""
    if backend == "none":
        return None
    params_type, model_type = BACKENDS[backend]
    model: Model = model_type(params_type.model_validate(params))
    return model


__all__ = ["BACKENDS", "ModelError", "build_model"]
