"""The real Detoxify models: downloaded on a connected machine, or loaded offline from a
checkpoint and a local config/tokenizer folder, refusing any checkpoint that does not fill
every weight of the model (transformers would silently initialise the rest at random)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.models.errors import ModelError

ARCH_KEYS = frozenset({"model_type", "model_name", "tokenizer_name", "num_classes"})
RENAMED = {
    "toxic": "toxicity",
    "severe_toxic": "severe_toxicity",
    "identity_hate": "identity_attack",
}
IGNORED_KEYS = ("position_ids",)


class DetoxifyParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model_type: str = "original"
    """original | unbiased | multilingual | original-small | unbiased-small (downloaded)."""
    checkpoint: str | None = None
    """A Detoxify checkpoint file (trusted input: it is a pickle) to load instead."""
    config_dir: str | None = None
    """The folder with the model's config.json and tokenizer files, for offline loading."""
    max_tokens: int = Field(default=128, ge=8, le=512)
    batch_size: int = Field(default=16, ge=1, le=256)
    threads: int = Field(default=2, ge=1, le=64)


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ModelError(
            "the detoxify backend needs the detoxify extra: pip install 'modbot[detoxify]'"
        ) from None
    return torch


def check_checkpoint(loaded: Any, source: str) -> None:
    """Refuse a checkpoint in the wrong layout, naming what is wrong."""
    if not isinstance(loaded, dict) or "config" not in loaded or "state_dict" not in loaded:
        raise ModelError(f"{source}: a Detoxify checkpoint holds `config` and `state_dict`")
    try:
        args = loaded["config"]["arch"]["args"]
        loaded["config"]["dataset"]["args"]["classes"]
    except (KeyError, TypeError):
        raise ModelError(
            f"{source}: config needs arch.args and dataset.args.classes (Detoxify's layout)"
        ) from None
    if set(args) != ARCH_KEYS:
        extra, missing = set(args) - ARCH_KEYS, ARCH_KEYS - set(args)
        raise ModelError(
            f"{source}: config.arch.args must hold exactly {sorted(ARCH_KEYS)}"
            + (f"; remove {sorted(extra)}" if extra else "")
            + (f"; add {sorted(missing)}" if missing else "")
        )


def check_weights(model: Any, state_dict: dict[str, Any], source: str) -> None:
    """Every weight of the model must come from the checkpoint."""
    expected = {k for k in model.state_dict() if not k.endswith(IGNORED_KEYS)}
    missing = sorted(expected - set(state_dict))
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise ModelError(
            f"{source}: the checkpoint does not fill {len(missing)} weight(s) of the model "
            f"({shown}); it was saved from another architecture or with a prefix"
        )


class DetoxifyModel:
    """Detoxify behind modbot's Model protocol: length-sorted batches, truncated inputs."""

    Params = DetoxifyParams

    def __init__(self, params: DetoxifyParams) -> None:
        torch = _torch()
        torch.set_num_threads(params.threads)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from detoxify import Detoxify
        from detoxify.detoxify import get_model_and_tokenizer

        self._params = params
        if params.checkpoint is None:
            detox = Detoxify(params.model_type)
            self.model, self.tokenizer = detox.model, detox.tokenizer
            self.labels = tuple(detox.class_names)
            self.version = f"detoxify-{params.model_type}"
            return
        source = params.checkpoint
        if not Path(source).is_file():
            raise ModelError(f"{source}: no such checkpoint file")
        loaded = torch.load(source, map_location="cpu", weights_only=False)
        check_checkpoint(loaded, source)
        args = dict(loaded["config"]["arch"]["args"])
        folder = params.config_dir or args["model_type"]
        if not Path(folder).is_dir():
            raise ModelError(
                f"{source}: model_type {args['model_type']!r} is not a folder; set config_dir to "
                "the folder with its config.json and tokenizer files"
            )
        args["model_type"] = folder
        self.model, self.tokenizer = get_model_and_tokenizer(
            **args, state_dict=loaded["state_dict"], huggingface_config_path=folder
        )
        check_weights(self.model, loaded["state_dict"], source)
        classes = loaded["config"]["dataset"]["args"]["classes"]
        self.labels = tuple(RENAMED.get(c, c) for c in classes)
        self.version = f"detoxify-{Path(source).stem}"

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        torch = _torch()
        self.model.eval()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[dict[str, float]] = [{} for _ in texts]
        size = self._params.batch_size
        with torch.no_grad():
            for start in range(0, len(order), size):
                chunk = order[start : start + size]
                inputs = self.tokenizer(
                    [texts[i] for i in chunk],
                    return_tensors="pt",
                    truncation=True,
                    max_length=self._params.max_tokens,
                    padding=True,
                )
                scores = torch.sigmoid(self.model(**inputs)[0]).tolist()
                for index, row in zip(chunk, scores, strict=True):
                    out[index] = dict(zip(self.labels, (float(s) for s in row), strict=True))
        return out
