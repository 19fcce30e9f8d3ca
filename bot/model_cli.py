"""`modbot model fit|calibrate|export-onnx`: manage the toxicity model from the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.calibrate import print_report
from bot.config import Config
from bot.config_errors import ConfigError
from bot.labelled import read_labelled
from bot.model_fit import add_fit_command, run_fit
from bot.models import ModelError, build_model
from bot.models.detoxify_backend import DetoxifyParams

BATCH = 64


def add_model_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    model = sub.add_parser("model", help="manage the toxicity model", parents=[common])
    verbs = model.add_subparsers(dest="verb", required=True)
    export = verbs.add_parser(
        "export-onnx", help="export a Detoxify model to int8 ONNX (checked against the original)"
    )
    export.add_argument("--model-type", default="original")
    export.add_argument("--checkpoint", help="a Detoxify checkpoint (trusted: it is a pickle)")
    export.add_argument("--config-dir", help="its config.json and tokenizer folder (offline)")
    export.add_argument("--out", required=True, help="folder to write the ONNX model into")
    calibrate = verbs.add_parser(
        "calibrate", help="precision and recall at candidate thresholds on a labelled file"
    )
    calibrate.add_argument("file", help="CSV or JSONL with `text` and a 0/1 label")
    calibrate.add_argument("--label-column", default="label")
    calibrate.add_argument("--score", default="toxicity", help="which model label to read")
    add_fit_command(verbs)
    for verb in verbs.choices.values():
        verb.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def run_model(config: Config, args: argparse.Namespace) -> int:
    try:
        if args.verb == "export-onnx":
            return _export(args)
        if args.verb == "fit":
            return run_fit(config, args, sys.stdout)
        return asyncio.run(_calibrate(config, args))
    except ModelError as exc:
        print(f"modbot: {exc}", file=sys.stderr)
        return 2


def _export(args: argparse.Namespace) -> int:
    from bot.models.onnx_export import export_onnx

    params = DetoxifyParams(
        model_type=args.model_type, checkpoint=args.checkpoint, config_dir=args.config_dir
    )
    report = export_onnx(params, Path(args.out))
    print(
        f"exported to {report.folder}: int8 {report.size_int8:,} bytes (fp32 {report.size_fp32:,}),"
        f" largest score difference from the original {report.max_difference:.4f}"
    )
    print(f'use it with [model] backend = "onnx", params = {{ folder = "{report.folder}" }}')
    return 0


async def _calibrate(config: Config, args: argparse.Namespace) -> int:
    model = build_model(config.model.backend, config.model.params)
    if model is None:
        raise ConfigError("[model]", [("backend", "calibrate needs a model; set [model] backend")])
    rows = read_labelled(Path(args.file), args.label_column)
    scores: list[float] = []
    for start in range(0, len(rows), BATCH):
        texts = [row.text for row in rows[start : start + BATCH]]
        for result in await asyncio.to_thread(model.predict, texts):
            if args.score not in result:
                raise ConfigError(
                    "[model]", [("backend", f"the model gives no {args.score!r} score")]
                )
            scores.append(result[args.score])
    print_report(args.score, scores, [row.label for row in rows])
    return 0
