"""Train the head that ships in `bot/models/data/head-default.npz`, and write its model card.

    .venv/bin/python -m tools.train_default_head

English: OLID dev (needs ../shared/data; CC BY 4.0 as hosted), the team's English examples and
OpenAI's moderation set (MIT). Indonesian: the team's examples and Blob's Discord/YouTube lines
(MIT). The Indonesian tweets in ../shared/data (CC BY-NC-SA) are only measured, never trained on.
The regularisation strength of each language is chosen by 5-fold cross-validation.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bot.models.builtin import default_head_path
from bot.models.features import ENCODER, FEATURE_NAMES, SEVERITY, FeatureExtractor, severity_floor
from bot.models.fit import Figures, cross_validated, figures, train_logistic
from bot.models.head import Head, Weights
from tools import datasets
from tools.datasets import Labelled

STRENGTHS = (0.03, 0.1, 0.3, 1.0, 3.0)
ZERO = Weights(np.zeros(len(FEATURE_NAMES)), 0.0)
SOURCES = {
    "OLID dev (OFF)": "OLID v1.0 training file, dev half (Zampieri et al. 2019); no licence "
    "stated, hosted under CC BY 4.0 by wenliangdai/multi-task-offensive-language-detection",
    "team examples (en)": "written by the modbot team, MIT (tools/data/team-examples.csv)",
    "team examples (id)": "written by the modbot team, MIT (tools/data/team-examples.csv)",
    "OpenAI moderation": "openai/moderation-api-release, MIT (tools/data/openai-moderation-en.csv)",
    "Blob Indonesian": "Blob-Development/indonesia-language-dataset, MIT (tools/data/blob-id.csv)",
}


def features_of(labelled: Labelled, extractor: FeatureExtractor) -> np.ndarray:
    return datasets.cached_features(labelled.texts, lambda texts: extractor.extract(texts)[0])


def floored(scores: np.ndarray, matrix: np.ndarray) -> list[float]:
    """The whole model's scores: the head's, raised to each message's word-list floor."""
    flags = matrix[:, -len(SEVERITY) :]
    return [
        max(float(s), severity_floor(row.tolist())) for s, row in zip(scores, flags, strict=True)
    ]


def cv_scores(
    main: tuple[np.ndarray, np.ndarray], extra: tuple[np.ndarray, np.ndarray], strength: float
) -> list[float]:
    """Out-of-fold scores of the whole model on `main`, with `extra` rows always in the
    training folds."""
    x_extra, y_extra = extra

    def train(x: np.ndarray, y: np.ndarray) -> Weights:
        return train_logistic(np.vstack([x, x_extra]), np.concatenate([y, y_extra]), strength)

    return floored(cross_validated(main[0], main[1], train), main[0])


def cv_figures(
    main: tuple[np.ndarray, np.ndarray], extra: tuple[np.ndarray, np.ndarray], strength: float
) -> Figures:
    return figures(cv_scores(main, extra, strength), main[1].tolist())


def train_language(
    main: list[Labelled],
    extra: list[Labelled],
    extractor: FeatureExtractor,
    tune_on: Labelled | None = None,
) -> tuple[Weights, float, Figures, list[str]]:
    """Pick the strength, then train on everything. The strength with the best ROC-AUC wins:
    cross-validated on `main`, or measured on `tune_on` when given (a dev set that is only
    measured, never trained on: it tells how the head does on text unlike its training rows).
    """
    x_main = np.vstack([features_of(s, extractor) for s in main])
    y_main = np.concatenate([s.labels for s in main])
    empty = [np.zeros((0, len(FEATURE_NAMES)))]
    x_extra = np.vstack([features_of(s, extractor) for s in extra] or empty)
    y_extra = np.concatenate([s.labels for s in extra] or [np.zeros(0)])
    x_all, y_all = np.vstack([x_main, x_extra]), np.concatenate([y_main, y_extra])
    results: dict[float, Figures] = {}
    for strength in STRENGTHS:
        crossed = cv_figures((x_main, y_main), (x_extra, y_extra), strength)
        line = f"  C={strength:<5} cross-validated: {crossed}"
        if tune_on is not None:
            head = Head({tune_on.language: train_logistic(x_all, y_all, strength), "en": ZERO})
            results[strength] = measure(head, tune_on, extractor)
            line += f"; {tune_on.name}: {results[strength]}"
        else:
            results[strength] = crossed
        print(line)
    strength = max(results, key=lambda c: results[c].auc)
    weights = train_logistic(x_all, y_all, strength)
    rows = [f"{s.name}: {len(s.texts)} rows, {int(s.labels.sum())} toxic" for s in main + extra]
    return weights, strength, cv_figures((x_main, y_main), (x_extra, y_extra), strength), rows


def measure(head: Head, labelled: Labelled, extractor: FeatureExtractor) -> Figures:
    x = features_of(labelled, extractor)
    scores = head.probabilities(x, [labelled.language] * len(labelled.texts))
    return figures(floored(scores, x), labelled.labels.tolist())


def card(lines: dict[str, list[str]]) -> str:
    out = [
        "# modbot default toxicity head",
        "",
        f"Written by `tools/train_default_head.py` on {datetime.now(UTC):%Y-%m-%d}.",
        f"Features: {ENCODER} sentence embedding of the normalised text (512), the logit of",
        "alt-profanity-check on the folded and the de-leeted text (2), six team word-list flags",
        "(6). One L2 logistic regression per language; a word-list hit floors the score (slurs",
        "0.95, profanity 0.9, insults 0.8). Scores `toxicity` only. Figures are the whole",
        "model's (head and floor).",
        "",
    ]
    for title, body in lines.items():
        out += [f"## {title}", "", *(f"- {line}" for line in body), ""]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_head_path())
    args = parser.parse_args()
    extractor = FeatureExtractor()
    print("English (cross-validated on OLID dev):")
    en = train_language(
        [datasets.olid()], [datasets.team("en"), datasets.openai_moderation()], extractor
    )
    print("Indonesian (strength chosen on Ibrohim dev, which is measured, never trained on):")
    id_ = train_language(
        [datasets.team("id"), datasets.blob()], [], extractor, datasets.ibrohim("Abusive")
    )
    head = Head({"en": en[0], "id": id_[0]}, {"en": en[1], "id": id_[1]})
    abusive = measure(head, datasets.ibrohim("Abusive"), extractor)
    either = measure(head, datasets.ibrohim("label"), extractor)
    print(f"Indonesian on Ibrohim dev (never trained on): Abusive {abusive}")
    print(f"Indonesian on Ibrohim dev (never trained on): HS or Abusive {either}")
    used = {s.split(":")[0] for s in en[3] + id_[3]}
    text = card(
        {
            "Training data": [*en[3], *id_[3]],
            "Licences": [f"{name}: {SOURCES[name]}" for name in sorted(used)],
            "Figures": [
                f"English, 5-fold CV on OLID dev, C={en[1]}: {en[2]}",
                f"Indonesian, 5-fold CV on the training rows, C={id_[1]}: {id_[2]}",
                f"The Indonesian C was the best of {STRENGTHS} on Ibrohim & Budi dev Abusive "
                "(one number chosen by measuring; no row of it is trained on).",
                f"Indonesian on Ibrohim & Budi dev, Abusive (never trained on): {abusive}",
                f"Indonesian on Ibrohim & Budi dev, HS or Abusive: {either}",
            ],
            "Not used": [
                "Ibrohim & Budi 2019 (CC BY-NC-SA 4.0): measured only; no rows, words or slang "
                "table from it ship.",
                "Davidson et al. 2017: adding it lowered OLID ROC-AUC; alt-profanity-check, one "
                "of the features, was trained on it.",
            ],
        }
    )
    head.save(args.out, text)
    print(f"wrote {args.out} and {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
