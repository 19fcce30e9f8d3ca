"""modbot's toxicity stage against the models a user can pip install: quality on every dev set,
evasion probes, speed, and Detoxify's speed through modbot's own backends. See bench/README.md.

    pip install -e '.[bench,detoxify]'
    python bench/classifier.py [--data ../shared/data] [--seconds 10] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[1:1] = [str(ROOT)]  # modbot's packages, also from a checkout that is not installed

import _peers  # noqa: E402
import _scores  # noqa: E402
from _mix import print_table  # noqa: E402

from bot.calibrate import roc_auc  # noqa: E402
from bot.classifier import BatchingClassifier  # noqa: E402
from bot.models.builtin import BuiltinModel  # noqa: E402
from bot.models.fit import best_f1, precision_at_recall  # noqa: E402
from tools import datasets  # noqa: E402

FP_RATE = 0.05


def quality_cell(scores: Sequence[float], labels: Sequence[int]) -> str:
    auc = roc_auc(list(scores), list(labels))
    f1, _ = best_f1(scores, labels)
    return f"{auc:.3f} / {f1:.3f} / {precision_at_recall(scores, labels, 0.9):.3f}"


def part_a(model: BuiltinModel, quick: bool) -> None:
    sets = [
        datasets.olid(),
        datasets.ibrohim("Abusive"),
        datasets.ibrohim("label"),
        datasets.davidson(),
    ]
    peers = _scores.peers()
    rows = []
    for labelled in sets:
        texts, labels = labelled.texts, labelled.labels.tolist()
        if quick:
            texts, labels = texts[:800], labels[:800]
            labelled = datasets.Labelled(
                labelled.name, texts, labelled.labels[:800], labelled.language
            )
        row = [
            f"{labelled.name} ({len(texts)})",
            quality_cell(_scores.modbot_scores(labelled, model), labels),
        ]
        for name, scorer in peers.items():
            row.append(
                scorer
                if isinstance(scorer, str)
                else quality_cell(_scores.peer_scores(name, scorer, texts), labels)
            )
        rows.append(row)
    print_table(
        "(a) quality: ROC-AUC / F1 at the dev-best threshold / precision at 90% recall. modbot's "
        "OLID row is 5-fold cross-validated; its Indonesian head never trained on Ibrohim & Budi "
        "(its C was chosen there); alt-profanity-check was trained on Davidson",
        ["dev set (rows)", "modbot default", *peers],
        rows,
    )


def part_b(model: BuiltinModel, data: Path, quick: bool) -> None:
    rows, public = _peers.probes(data, quick)
    texts = list(dict.fromkeys([r["text"] for r in rows] + [r["text"] for r in public]))
    detectors: dict[str, _peers.Detector | str] = {}
    notes = []
    scored = {"modbot default": dict(zip(texts, _scores.model_scores(texts, model), strict=True))}
    for name, scorer in _scores.peers().items():
        if isinstance(scorer, str):
            detectors[name] = scorer
            continue
        scored[name] = dict(zip(texts, _scores.peer_scores(name, scorer, texts), strict=True))
    for name, by_text in scored.items():
        threshold = max(_scores.threshold_per_language(rows, by_text, FP_RATE), 1e-9)
        detectors[name] = _flags(by_text, threshold)
        notes.append(f"{name} >= {threshold:.3f}")
    detectors = {name: detectors[name] for name in ["modbot default", *_scores.peers()]}
    _peers.report(
        rows,
        public,
        detectors,
        f"(b) evasion probes: {len(rows)} synthetic variants + {len(public)} public strings, each "
        f"detector at one threshold flagging at most {FP_RATE:.0%} of the clean variants of "
        f"each language ({', '.join(notes)}); '!' marks a miss of the target",
        timed=False,
    )
    at_act = _flags(scored["modbot default"], 0.9)
    _peers.report(
        rows,
        public,
        {"modbot default at act_at 0.9": at_act},
        "(b') the same probes at the default policy's act_at = 0.9",
        timed=False,
    )


def _flags(by_text: dict[str, float], threshold: float) -> Callable[[str], bool]:
    return lambda text: by_text[text] >= threshold


def rate(run: Callable[[list[str]], object], texts: list[str], size: int, seconds: float) -> float:
    """Messages a second through `run`, called on consecutive chunks of `size` texts."""
    done, start, index = 0, time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        chunk = texts[index : index + size] or texts[:size]
        index = index + size if index + size < len(texts) else 0
        run(chunk)
        done += len(chunk)
    return done / (time.perf_counter() - start)


def sorted_windows(texts: list[str], window: int = 256) -> list[str]:
    """Texts sorted by length inside windows, as the batching worker hands them over."""
    return [t for i in range(0, len(texts), window) for t in sorted(texts[i : i + window], key=len)]


async def through_classifier(model: BuiltinModel, texts: list[str]) -> float:
    """Every text offered at once to the real BatchingClassifier: scored messages a second."""
    classifier = BatchingClassifier(
        model, batch_size=32, wait=0.01, timeout=120, max_queue=len(texts)
    )
    stop = asyncio.Event()
    worker = asyncio.create_task(classifier.run(stop))
    start = time.perf_counter()
    results = await asyncio.gather(*(classifier.score(t) for t in texts))
    elapsed = time.perf_counter() - start
    stop.set()
    await worker
    assert all(r is not None for r in results), "a message went unscored"
    return len(texts) / elapsed


def part_c(model: BuiltinModel, seconds: float) -> list[str]:
    texts = datasets.olid().texts[:2000] + datasets.ibrohim().texts[:2000]
    mixed = [t for pair in zip(texts[:2000], texts[2000:], strict=True) for t in pair]
    predict = model.predict
    rows = [
        ["modbot default, one message a call", f"{rate(predict, mixed, 1, seconds):,.0f}"],
        [
            "modbot default, length-sorted calls of 32",
            f"{rate(predict, sorted_windows(mixed), 32, seconds):,.0f}",
        ],
        [
            "modbot default, 4,000 messages at once through BatchingClassifier",
            f"{asyncio.run(through_classifier(model, mixed)):,.0f}",
        ],
    ]
    for name, scorer in _scores.peers().items():
        if not isinstance(scorer, str):
            rows.append([f"{name}, calls of 32", f"{rate(scorer, mixed, 32, seconds):,.0f}"])
    print_table(
        "(c) speed on 2 cores: OLID and Ibrohim dev tweets, interleaved", ["stage", "msg/s"], rows
    )
    return mixed


def part_d(texts: list[str], seconds: float) -> None:
    try:
        from _detox_speed import detoxify_speed, print_rows
    except ImportError as exc:
        print(f"\n(d) Detoxify speed skipped: {exc} (pip install -e '.[detoxify]')")
        return
    rows = detoxify_speed(texts, seconds, ROOT / ".cache" / "bench-detoxify")
    print(
        "\n(d) Detoxify 'original' size (BERT-base, random weights) through modbot's own "
        "backends, 2 threads; target: ONNX int8 >= 30 msg/s at batch 1"
    )
    print_rows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=datasets.SHARED_DATA)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="800 rows a set, 2 s timings")
    args = parser.parse_args()
    datasets.SHARED_DATA = args.data
    seconds = 2.0 if args.quick else args.seconds
    print(f"modbot classifier benchmark: {os.cpu_count()} CPUs, data {args.data}")
    model = _scores.default_model()
    print(f"model {model.version}")
    part_a(model, args.quick)
    part_b(model, args.data, args.quick)
    texts = part_c(model, seconds)
    part_d(texts, seconds)


if __name__ == "__main__":
    main()
