"""`modbot model fit`: a community trains its own head from labelled files and from its own
moderators' verdicts, sees cross-validated figures against the current head, and gets a head
file (with its model card) to point the config at."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from bot.config import Config
from bot.config_errors import ConfigError
from bot.labelled import read_labelled
from bot.models.builtin import BuiltinParams, default_head_path
from bot.models.features import FeatureExtractor
from bot.models.fit import Figures, cross_validated, figures, train_logistic
from bot.models.head import Head, Weights, load_head
from storage.db import Database
from storage.verdicts import moderator_verdicts

MIN_EACH = 5
"""A language needs this many toxic and this many clean examples to be trained."""


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: int
    source: str


def add_fit_command(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    fit = verbs.add_parser(
        "fit", help="train a head from labelled files and/or the moderators' verdicts"
    )
    fit.add_argument("--data", nargs="*", default=[], help="CSV or JSONL files of text,label")
    fit.add_argument("--label-column", default="label")
    fit.add_argument("--audit", action="store_true", help="learn from the audit log's verdicts")
    fit.add_argument("--community", help="only this community's verdicts")
    fit.add_argument("--out", required=True, help="the head file to write (.npz)")
    fit.add_argument(
        "--strength", type=float, default=1.0, help="how far the data may move the head (C)"
    )
    fit.add_argument(
        "--from-scratch", action="store_true", help="ignore the current head (needs more data)"
    )


def current_head(config: Config) -> tuple[Head, Path]:
    """The head the config uses (the shipped one unless the builtin backend names another)."""
    path = default_head_path()
    if config.model.backend == "builtin":
        head = BuiltinParams.model_validate(config.model.params).head
        path = Path(head) if head else path
    return load_head(path), path


async def gather(config: Config, args: argparse.Namespace) -> list[Example]:
    examples = [
        Example(row.text, row.label, Path(name).name)
        for name in args.data
        for row in read_labelled(Path(name), args.label_column)
    ]
    if args.audit:
        db = Database(config.storage.resolved_url())
        try:
            await db.migrate()
            verdicts = await moderator_verdicts(db, args.community)
        finally:
            await db.close()
        examples += [Example(v.text, v.label, f"audit log ({v.source})") for v in verdicts]
    if not examples:
        raise ConfigError("model fit", [("--data", "no labelled examples; give --data or --audit")])
    return examples


def run_fit(config: Config, args: argparse.Namespace, out: TextIO) -> int:
    examples = asyncio.run(gather(config, args))
    base, base_path = current_head(config)
    extractor = FeatureExtractor()
    matrix, prepared = extractor.extract([e.text for e in examples])
    labels = np.array([e.label for e in examples])
    languages = [p.language for p in prepared]
    trained: dict[str, Weights] = dict(base.languages)
    strengths = dict(base.strengths)
    lines = [f"base head: {base_path.name} ({base.digest})", f"strength C = {args.strength}"]
    for language in sorted(set(languages) | set(base.languages)):
        rows = np.array([i for i, lang in enumerate(languages) if lang == language], dtype=int)
        toxic = int(labels[rows].sum()) if len(rows) else 0
        clean = len(rows) - toxic
        if toxic < MIN_EACH or clean < MIN_EACH:
            line = f"{language}: {toxic} toxic, {clean} clean: keeps its current head"
            out.write(line + f" (needs {MIN_EACH} of each)\n")
            lines.append(line)
            continue
        prior = None if args.from_scratch else base.weights_for(language)
        x, y = matrix[rows], labels[rows]

        def train(xs: np.ndarray, ys: np.ndarray, prior: Weights | None = prior) -> Weights:
            return train_logistic(xs, ys, args.strength, prior)

        before = figures(base.probabilities(x, [language] * len(rows)).tolist(), y.tolist())
        after = _cv(x, y, train)
        trained[language] = train(x, y)
        strengths[language] = args.strength
        line = f"{language}: {toxic} toxic, {clean} clean; current head {before}; new head {after}"
        out.write(line + " (5-fold cross-validated)\n")
        lines.append(line)
    path = Path(args.out)
    Head(trained, strengths).save(path, _card(examples, lines))
    out.write(f"wrote {path} and {path.with_suffix('.md')}\n")
    out.write(f'use it: [model] backend = "builtin", params = {{ head = "{path}" }}\n')
    return 0


def _cv(x: np.ndarray, y: np.ndarray, train) -> Figures:  # type: ignore[no-untyped-def]
    folds = min(5, int(y.sum()), int(len(y) - y.sum()))
    return figures(cross_validated(x, y, train, folds).tolist(), y.tolist())


def _card(examples: Sequence[Example], lines: list[str]) -> str:
    sources: dict[str, list[int]] = {}
    for example in examples:
        sources.setdefault(example.source, []).append(example.label)
    data = [f"- {name}: {len(ls)} rows, {sum(ls)} toxic" for name, ls in sorted(sources.items())]
    return "\n".join(
        [
            "# modbot toxicity head, fitted by `modbot model fit`",
            "",
            "## Training data",
            "",
            *data,
            "",
            "Check the licences of the files above before sharing this head.",
            "",
            "## Figures",
            "",
            *(f"- {line}" for line in lines),
            "",
        ]
    )
