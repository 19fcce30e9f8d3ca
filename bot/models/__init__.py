"""Model backends, by the name `[model] backend` uses. Importing this never imports torch or
the encoder: heavy libraries load when a backend is built or first used."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from bot.classifier import Model
from bot.models.builtin import BuiltinModel, BuiltinParams
from bot.models.detoxify_backend import DetoxifyModel, DetoxifyParams
from bot.models.double import KeywordDouble
from bot.models.errors import ModelError
from bot.models.onnx_backend import OnnxModel, OnnxParams

BACKENDS: dict[str, tuple[type[BaseModel], Any]] = {
    "builtin": (BuiltinParams, BuiltinModel),
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
