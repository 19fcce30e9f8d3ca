"""`modbot model export-onnx`: a Detoxify model to an int8 ONNX model that runs without torch,
checked against the original on sample messages before it is accepted."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.models.detoxify_backend import DetoxifyModel, DetoxifyParams
from bot.models.errors import ModelError
from bot.models.onnx_backend import LABELS_FILE, MODEL_FILE, OnnxModel, OnnxParams

SAMPLES = (
    "hello everyone, how was the weekend?",
    "go away loser, nobody wants you here",
    "kamu bodoh banget sih",
    "ok",
    "this is a much longer message about the release schedule and the bugs we fixed last week",
)
MAX_DIFFERENCE = 0.05
"""The largest score difference from the original accepted for the int8 model."""


@dataclass(frozen=True, slots=True)
class ExportReport:
    folder: Path
    max_difference: float
    size_fp32: int
    size_int8: int


def _wrapped(model: Any, names: list[str]) -> Any:
    import torch

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, *inputs: Any) -> Any:
            return self.inner(**dict(zip(names, inputs, strict=True))).logits

    return Logits()


def export_onnx(params: DetoxifyParams, folder: Path) -> ExportReport:
    """Export, quantise (dynamic int8) and verify; the folder then serves the onnx backend."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    source = DetoxifyModel(params)
    model = source.model
    if hasattr(model, "set_attn_implementation"):
        model.set_attn_implementation("eager")
    model.eval()
    folder.mkdir(parents=True, exist_ok=True)
    encoded = source.tokenizer(list(SAMPLES[:2]), return_tensors="pt", padding=True)
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in encoded]
    fp32 = folder / "model.fp32.onnx"
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"logits": {0: "batch"}}
    with torch.no_grad():
        torch.onnx.export(
            _wrapped(model, names),
            tuple(encoded[n] for n in names),
            str(fp32),
            input_names=names,
            output_names=["logits"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
    int8 = folder / MODEL_FILE
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    source.tokenizer.save_pretrained(str(folder))
    meta = {"labels": list(source.labels), "source": source.version.removeprefix("detoxify-")}
    (folder / LABELS_FILE).write_text(json.dumps(meta), "utf-8")
    exported = OnnxModel(OnnxParams(folder=str(folder), max_tokens=params.max_tokens))
    reference = source.predict(list(SAMPLES))
    candidate = exported.predict(list(SAMPLES))
    difference = max(
        abs(a[label] - b[label]) for a, b in zip(reference, candidate, strict=True) for label in a
    )
    if difference > MAX_DIFFERENCE:
        shutil.rmtree(folder)
        raise ModelError(
            f"the int8 model differs from the original by {difference:.3f} "
            f"(more than {MAX_DIFFERENCE}); export refused"
        )
    return ExportReport(folder, difference, fp32.stat().st_size, int8.stat().st_size)
