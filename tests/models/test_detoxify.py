"""The real Detoxify loader, offline: tiny BERT and XLM-R checkpoints built here load with the
exact scores of the saved model, and broken checkpoints are refused with the fix."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from bot.models.detoxify_backend import DetoxifyModel, DetoxifyParams, ModelError
from bot.models.onnx_backend import OnnxModel, OnnxParams
from bot.models.onnx_export import export_onnx
from tests.models.tiny import CLASSES, build_bert, build_xlmr

TEXTS = ["go away loser", "you are a nice friend", "kamu bodoh anjing", "hello"]
RENAMED = ["toxicity", "severe_toxicity", "obscene", "threat", "insult", "identity_attack"]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Offline for real: the hub is told so, and any outgoing connection fails the test."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)


def saved_scores(model: object, tokenizer: object, texts: list[str]) -> list[list[float]]:
    encoded = tokenizer(texts, return_tensors="pt", padding=True, truncation=True)  # type: ignore[operator]
    with torch.no_grad():
        return torch.sigmoid(model(**encoded).logits).tolist()  # type: ignore[operator]


@pytest.mark.parametrize("build", [build_bert, build_xlmr], ids=["bert", "xlm-r"])
def test_a_checkpoint_loads_offline_with_the_saved_models_scores(
    tmp_path: Path, build: object
) -> None:
    checkpoint, saved = build(tmp_path / "tiny")  # type: ignore[operator]
    loaded = DetoxifyModel(DetoxifyParams(checkpoint=str(checkpoint)))
    assert loaded.labels == tuple(RENAMED)
    scores = loaded.predict(TEXTS)
    saved.eval()
    for text, got in zip(TEXTS, scores, strict=True):
        (expected,) = saved_scores(saved, loaded.tokenizer, [text])
        assert [got[label] for label in RENAMED] == pytest.approx(expected, abs=1e-5)
    assert scores[0]["toxicity"] == pytest.approx(0.047, abs=0.01)  # the bias set in tiny.py


def test_the_config_folder_can_be_given_apart_from_the_checkpoint(tmp_path: Path) -> None:
    checkpoint, _ = build_bert(tmp_path / "tiny")
    loaded = torch.load(checkpoint, weights_only=False)
    loaded["config"]["arch"]["args"]["model_type"] = "bert-base-uncased"  # as released upstream
    torch.save(loaded, checkpoint)
    with pytest.raises(ModelError, match="is not a folder; set config_dir"):
        DetoxifyModel(DetoxifyParams(checkpoint=str(checkpoint)))
    model = DetoxifyModel(
        DetoxifyParams(checkpoint=str(checkpoint), config_dir=str(tmp_path / "tiny"))
    )
    assert model.predict(["hello"])[0]["toxicity"] == pytest.approx(0.047, abs=0.01)


def test_a_checkpoint_that_does_not_fill_the_model_is_refused(tmp_path: Path) -> None:
    checkpoint, _ = build_bert(tmp_path / "tiny")
    loaded = torch.load(checkpoint, weights_only=False)
    loaded["state_dict"] = {f"model.{k}": v for k, v in loaded["state_dict"].items()}
    torch.save(loaded, checkpoint)
    with pytest.raises(ModelError, match="does not fill .* weight"):
        DetoxifyModel(DetoxifyParams(checkpoint=str(checkpoint)))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda c: c["config"]["arch"]["args"].update(classes=CLASSES), "remove \\['classes'\\]"),
        (lambda c: c["config"]["arch"]["args"].pop("num_classes"), "add \\['num_classes'\\]"),
        (lambda c: c.pop("state_dict"), "holds `config` and `state_dict`"),
    ],
    ids=["extra-classes", "missing-num-classes", "no-state-dict"],
)
def test_a_checkpoint_in_the_wrong_layout_is_refused(
    tmp_path: Path, damage: object, message: str
) -> None:
    checkpoint, _ = build_bert(tmp_path / "tiny")
    loaded = torch.load(checkpoint, weights_only=False)
    damage(loaded)  # type: ignore[operator]
    torch.save(loaded, checkpoint)
    with pytest.raises(ModelError, match=message):
        DetoxifyModel(DetoxifyParams(checkpoint=str(checkpoint)))


def test_batches_give_the_same_scores_as_single_messages(tmp_path: Path) -> None:
    checkpoint, _ = build_xlmr(tmp_path / "tiny")
    model = DetoxifyModel(DetoxifyParams(checkpoint=str(checkpoint), batch_size=3))
    together = model.predict(TEXTS)
    alone = [model.predict([t])[0] for t in TEXTS]
    for a, b in zip(together, alone, strict=True):
        assert a == pytest.approx(b, abs=1e-5)


@pytest.mark.parametrize("build", [build_bert, build_xlmr], ids=["bert", "xlm-r"])
def test_the_int8_onnx_export_scores_like_the_original(tmp_path: Path, build: object) -> None:
    checkpoint, _ = build(tmp_path / "tiny")  # type: ignore[operator]
    report = export_onnx(DetoxifyParams(checkpoint=str(checkpoint)), tmp_path / "onnx")
    assert report.max_difference < 0.05
    original = DetoxifyModel(DetoxifyParams(checkpoint=str(checkpoint))).predict(TEXTS)
    exported = OnnxModel(OnnxParams(folder=str(tmp_path / "onnx"))).predict(TEXTS)
    for a, b in zip(original, exported, strict=True):
        assert a == pytest.approx(b, abs=0.05)


def test_the_cli_exports_and_replay_scores_with_the_onnx_model(tmp_path: Path) -> None:
    checkpoint, _ = build_bert(tmp_path / "tiny")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    export = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "model",
            "export-onnx",
            "--checkpoint",
            str(checkpoint),
            "--out",
            str(tmp_path / "onnx"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert export.returncode == 0, export.stderr
    assert "largest score difference" in export.stdout
    config = tmp_path / "config.toml"
    config.write_text(f'[model]\nbackend = "onnx"\nparams = {{ folder = "{tmp_path / "onnx"}" }}\n')
    rows = tmp_path / "in.jsonl"
    rows.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in enumerate(TEXTS)))
    replay = subprocess.run(
        [sys.executable, "-m", "bot", "replay", "--config", str(config), "--scores", str(rows)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert replay.returncode == 0, replay.stderr
    results = [json.loads(line) for line in replay.stdout.splitlines()]
    assert [set(r["scores"]) for r in results] == [set(RENAMED)] * len(TEXTS)
    assert results[0]["scores"]["toxicity"] == pytest.approx(0.047, abs=0.02)


def test_a_missing_extra_or_export_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="run `modbot model export-onnx` first"):
        OnnxModel(OnnxParams(folder=str(tmp_path)))
    with pytest.raises(ModelError, match="no such checkpoint file"):
        DetoxifyModel(DetoxifyParams(checkpoint=str(tmp_path / "nope.ckpt")))
