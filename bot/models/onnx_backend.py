"""A Detoxify model exported to ONNX (int8), served by ONNX Runtime: no torch at run time."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bot.models.errors import ModelError

MODEL_FILE = "model.int8.onnx"
LABELS_FILE = "labels.json"


class OnnxParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    folder: str
    """What `modbot model export-onnx` wrote: the int8 model, its tokenizer and labels."""
    max_tokens: int = Field(default=128, ge=8, le=512)
    batch_size: int = Field(default=16, ge=1, le=256)
    threads: int = Field(default=2, ge=1, le=64)


class OnnxModel:
    """Scores with ONNX Runtime on the CPU, in length-sorted batches."""

    Params = OnnxParams

    def __init__(self, params: OnnxParams) -> None:
        try:
            import onnxruntime
            from transformers import AutoTokenizer
        except ImportError:
            raise ModelError(
                "the onnx backend needs onnxruntime and transformers: pip install 'modbot[onnx]'"
            ) from None
        folder = Path(params.folder)
        model = folder / MODEL_FILE
        if not model.is_file():
            raise ModelError(f"{folder}: no {MODEL_FILE}; run `modbot model export-onnx` first")
        meta = json.loads((folder / LABELS_FILE).read_text("utf-8"))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = params.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.tokenizer: Any = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        self.labels = tuple(meta["labels"])
        self.version = f"onnx-int8-{meta.get('source', folder.name)}"
        self._params = params

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        import numpy as np

        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[dict[str, float]] = [{} for _ in texts]
        size = self._params.batch_size
        for start in range(0, len(order), size):
            chunk = order[start : start + size]
            encoded = self.tokenizer(
                [texts[i] for i in chunk],
                return_tensors="np",
                truncation=True,
                max_length=self._params.max_tokens,
                padding=True,
            )
            feed = {
                k: np.asarray(v, dtype=np.int64) for k, v in encoded.items() if k in self._inputs
            }
            (logits,) = self._session.run(["logits"], feed)
            scores = 1.0 / (1.0 + np.exp(-logits))
            for index, row in zip(chunk, scores.tolist(), strict=True):
                out[index] = dict(zip(self.labels, (float(s) for s in row), strict=True))
        return out
