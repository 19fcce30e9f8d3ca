"""Part (d): msg/s of modbot's Detoxify backends (torch fp32, ONNX int8) on a random BERT-base."""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import sysconfig
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))  # modbot's packages, also from a checkout that is not installed

DEFAULT_CACHE = ROOT / ".cache" / "bench-detoxify"
CLASSES = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
# bert-base-uncased's public config, with the 6 labels of Detoxify "original"
BERT_BASE: dict[str, Any] = {
    "vocab_size": 30522,
    "hidden_size": 768,
    "num_hidden_layers": 12,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
    "max_position_embeddings": 512,
    "type_vocab_size": 2,
    "num_labels": len(CLASSES),
}
BUILD_VERSION = 1
"""Bump when the build changes: a cache with another version is rebuilt."""
GENERAL_ENGLISH_CHARS = 8_000_000
MAX_TOKENS = 128  # modbot's default cut for both backends
BATCH = 32  # what BatchingClassifier hands a model (`[model] batch_size`)
Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Row:
    engine: str  # "torch fp32" (DetoxifyModel) or "onnx int8" (OnnxModel)
    batch: int  # messages per predict() call: 1, or BATCH length-sorted
    per_pass: int  # at most this many messages per forward pass (the backend's batch_size)
    messages: int  # messages scored in the timed run
    seconds: float  # length of the timed run
    msg_per_s: float
    ms_per_call: float  # mean wall time of one predict() call
    tokens: float  # mean real tokens per message ([CLS] and [SEP] included, cut at max_tokens)
    padding: float  # tokens run (each pass padded to its longest text) / real tokens
    cores: float  # process CPU time / wall time: under 2 means other work shared the 2 cores


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _refuse_tracked(cache: Path) -> None:
    """Never build ~1 GB where git could pick it up."""
    try:
        inside = cache.resolve().is_relative_to(ROOT)
        ignored = subprocess.run(
            ["git", "-C", str(ROOT), "check-ignore", "-q", str(cache / "x")], check=False
        )
    except OSError:
        return
    if inside and ignored.returncode != 0:
        raise SystemExit(f"{cache}: not ignored by git; add `/.cache/` to .gitignore first")


def _docstrings(root: Path, skip: set[str], limit: int) -> list[str]:
    out: list[str] = []
    total = 0
    for path in sorted(root.rglob("*.py")):
        if skip & set(path.relative_to(root).parts):
            continue
        try:
            tree = ast.parse(path.read_text("utf-8"))
        except (SyntaxError, UnicodeDecodeError, ValueError, OSError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                if doc := ast.get_docstring(node):
                    out.append(doc)
                    total += len(doc)
        if total > limit:
            break
    return out


def _vocabulary(texts: Sequence[str], folder: Path) -> None:
    """A 30,522-piece lowercase WordPiece vocabulary, as English as bert-base-uncased's: trained
    on the English given texts plus general English (the docstrings of the installed Python).
    Checked against the real bert-base-uncased vocab.txt: 33.1 vs 34.1 tokens on OLID dev, 46.3
    vs 48.0 on the Indonesian dev set. Training on the Indonesian texts too would give 31 there."""
    from tokenizers import BertWordPieceTokenizer

    from bot.models.langid import detect_language

    paths = sysconfig.get_paths()
    general = _docstrings(
        Path(paths["stdlib"]), {"site-packages", "test", "tests", "idlelib", "pydoc_data"}, 10**9
    )
    general += _docstrings(Path(paths["purelib"]), {"test", "tests"}, GENERAL_ENGLISH_CHARS)
    english = [t for t in texts if detect_language(t) == "en"]
    trainer = BertWordPieceTokenizer(lowercase=True)
    trainer.train_from_iterator(
        general + english, vocab_size=BERT_BASE["vocab_size"], min_frequency=2, show_progress=False
    )
    words = [w for w, _ in sorted(trainer.get_vocab().items(), key=lambda item: item[1])]
    words += [f"[unused{i}]" for i in range(BERT_BASE["vocab_size"] - len(words))]
    (folder / "vocab.txt").write_text("\n".join(words) + "\n", "utf-8")


def build(texts: Sequence[str], cache: Path, log: Log = _stderr) -> tuple[Path, Path, Path]:
    """The config folder, the Detoxify checkpoint and the ONNX folder in `cache`, built once."""
    config_dir, checkpoint, onnx_dir = cache / "config", cache / "bert-base.ckpt", cache / "onnx"
    marker = cache / "BUILD.json"
    want = {"version": BUILD_VERSION, "config": BERT_BASE}
    done = marker.is_file() and json.loads(marker.read_text("utf-8")) == want
    if done and checkpoint.is_file() and (onnx_dir / "model.int8.onnx").is_file():
        log(f"detoxify: reusing the BERT-base build in {cache}")
        return config_dir, checkpoint, onnx_dir
    _refuse_tracked(cache)
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from bot.models.detoxify_backend import DetoxifyParams
    from bot.models.onnx_export import export_onnx

    log(f"detoxify: building a random-weight BERT-base into {cache} (once)")
    start = time.perf_counter()
    marker.unlink(missing_ok=True)
    shutil.rmtree(config_dir, ignore_errors=True)
    shutil.rmtree(onnx_dir, ignore_errors=True)
    config_dir.mkdir(parents=True)
    _vocabulary(texts, config_dir)
    config = BertConfig(**BERT_BASE)
    config.save_pretrained(config_dir)
    torch.manual_seed(7)
    model = BertForSequenceClassification(config)
    arch = {
        "model_type": str(config_dir),
        "model_name": "BertForSequenceClassification",
        "tokenizer_name": "BertTokenizer",
        "num_classes": len(CLASSES),
    }
    torch.save(
        {
            "config": {"arch": {"args": arch}, "dataset": {"args": {"classes": CLASSES}}},
            "state_dict": model.state_dict(),
        },
        checkpoint,
    )
    del model
    params = DetoxifyParams(checkpoint=str(checkpoint), config_dir=str(config_dir))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = export_onnx(params, onnx_dir)
    (onnx_dir / "model.fp32.onnx").unlink()  # 417 MB the onnx backend never reads
    marker.write_text(json.dumps(want), "utf-8")
    log(
        f"detoxify: built in {time.perf_counter() - start:.0f} s (checkpoint "
        f"{checkpoint.stat().st_size / 1e6:.0f} MB, int8 {report.size_int8 / 1e6:.0f} MB, "
        f"int8 vs fp32 max score difference {report.max_difference:.4f})"
    )
    return config_dir, checkpoint, onnx_dir


def _calls(texts: Sequence[str], batch: int) -> list[list[str]]:
    """Consecutive arrivals in groups of `batch`, each sorted by length as BatchingClassifier
    sorts the batch it hands the model."""
    groups = [list(texts[i : i + batch]) for i in range(0, len(texts), batch)]
    return [sorted(group, key=len) for group in groups]


def _ran(call: list[str], tokens: dict[str, int], size: int) -> int:
    """Tokens the forward passes of one predict() call run: both backends sort the call by
    characters, cut it into chunks of their batch_size and pad each to its longest text."""
    order = sorted(call, key=len)
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    return sum(max(tokens[t] for t in chunk) * len(chunk) for chunk in chunks)


def _time(
    name: str, model: Any, tokens: dict[str, int], calls: list[list[str]], size: int, seconds: float
) -> Row:
    for call in calls[:2]:  # warm-up
        model.predict(call)
    done = real = ran = count = 0
    start, cpu = time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        call = calls[count % len(calls)]
        model.predict(call)
        count += 1
        done += len(call)
        real += sum(tokens[t] for t in call)
        ran += _ran(call, tokens, size)
    batch, per_pass = len(calls[0]), min(size, len(calls[0]))
    cores = (time.process_time() - cpu) / elapsed
    return Row(
        name, batch, per_pass, done, elapsed, done / elapsed, 1000 * elapsed / count,
        real / done, ran / real, cores,
    )  # fmt: skip


def detoxify_speed(
    texts: Sequence[str],
    seconds: float = 10.0,
    cache: Path = DEFAULT_CACHE,
    *,
    batch: int = BATCH,
    model_batch: int | None = None,
    log: Log = _stderr,
) -> list[Row]:
    """Four rows: torch fp32 and ONNX int8, each at one message a predict() call and in calls of
    `batch` length-sorted messages, on the texts in a fixed shuffled order (English and
    Indonesian interleave). The backends keep their own batch_size (16) unless `model_batch`."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from transformers.utils import logging as hf_logging

    from bot.models.detoxify_backend import DetoxifyModel, DetoxifyParams
    from bot.models.onnx_backend import OnnxModel, OnnxParams

    hf_logging.disable_progress_bar()
    config_dir, checkpoint, onnx_dir = build(texts, cache, log)
    stream = [t for t in texts if t.strip()]
    random.Random(0).shuffle(stream)
    extra: dict[str, Any] = {} if model_batch is None else {"batch_size": model_batch}
    engines: list[tuple[str, Any, Any]] = [
        (
            "torch fp32",
            DetoxifyModel,
            DetoxifyParams(
                checkpoint=str(checkpoint),
                config_dir=str(config_dir),
                max_tokens=MAX_TOKENS,
                **extra,
            ),
        ),
        ("onnx int8", OnnxModel, OnnxParams(folder=str(onnx_dir), max_tokens=MAX_TOKENS, **extra)),
    ]
    rows: list[Row] = []
    for name, backend, params in engines:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = backend(params)
        ids = model.tokenizer(stream, truncation=True, max_length=MAX_TOKENS)["input_ids"]
        tokens = {text: len(piece) for text, piece in zip(stream, ids, strict=True)}
        for size in (1, batch):
            calls = _calls(stream, size)
            rows.append(_time(name, model, tokens, calls, params.batch_size, seconds))
            log(f"detoxify: {name} batch {size}: {rows[-1].msg_per_s:.1f} msg/s")
        del model
    return rows


def print_rows(rows: Sequence[Row]) -> None:
    print(
        "| engine | batch (per pass) | msg/s | ms/call | messages | tokens/msg | padding | cores |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r.engine} | {r.batch} ({r.per_pass}) | {r.msg_per_s:.1f} | {r.ms_per_call:.1f} | "
            f"{r.messages} | {r.tokens:.1f} | {r.padding:.2f}x | {r.cores:.2f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--batch", type=int, default=BATCH, help="messages per predict() call")
    parser.add_argument("--model-batch", type=int, help="the backends' batch_size (default 16)")
    args = parser.parse_args()
    from tools import datasets

    datasets.SHARED_DATA = args.data
    rows = detoxify_speed(
        datasets.olid().texts + datasets.ibrohim().texts,
        args.seconds,
        args.cache,
        batch=args.batch,
        model_batch=args.model_batch,
    )
    print_rows(rows)


if __name__ == "__main__":
    main()
