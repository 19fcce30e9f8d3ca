"""Scores of modbot's default model and of its peers on labelled text, cached under `.cache/`
(never committed) so that a second run of bench/classifier.py only prints."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence

import numpy as np

from bot.models.builtin import BuiltinModel, BuiltinParams
from bot.models.features import FeatureExtractor
from tools import datasets
from tools.datasets import Labelled
from tools.train_default_head import cv_scores, floored

INSTALL = "not installed (pip install -e '.[bench]')"
CACHE = datasets.ROOT / ".cache" / "peer-scores"
Scorer = Callable[[Sequence[str]], list[float]]


def _cached(name: str, texts: Sequence[str], score: Scorer) -> list[float]:
    key = hashlib.sha256("\x00".join([name, *texts]).encode("utf-8", "surrogatepass"))
    path = CACHE / f"{name}-{key.hexdigest()[:16]}.json"
    if path.exists():
        return list(json.loads(path.read_text()))
    values = score(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values))
    return values


def modbot_scores(labelled: Labelled, model: BuiltinModel) -> list[float]:
    """The shipped model's scores; for OLID (its English training set) cross-validated, with
    the other English training rows always in the training folds."""
    extractor = model.features
    features = datasets.cached_features(labelled.texts, lambda t: extractor.extract(t)[0])
    if labelled.name == datasets.olid().name:
        extra = [datasets.team("en"), datasets.openai_moderation()]
        x_extra = np.vstack([datasets.cached_features(s.texts, _extract(extractor)) for s in extra])
        y_extra = np.concatenate([s.labels for s in extra])
        strength = model.head.strengths["en"]
        return cv_scores((features, labelled.labels), (x_extra, y_extra), strength)
    probabilities = model.head.probabilities(features, [labelled.language] * len(features))
    return floored(probabilities, features)


def _extract(extractor: FeatureExtractor) -> Callable[[Sequence[str]], np.ndarray]:
    return lambda texts: extractor.extract(texts)[0]


def model_scores(texts: Sequence[str], model: BuiltinModel) -> list[float]:
    """The whole model on arbitrary texts, as `predict` gives them (routed by language)."""
    return [
        result["toxicity"]
        for start in range(0, len(texts), 64)
        for result in model.predict(texts[start : start + 64])
    ]


def alt_profanity_check() -> Scorer | str:
    try:
        from profanity_check import predict_prob
    except ImportError:
        return INSTALL
    return lambda texts: [float(p) for p in predict_prob(list(texts))]


def better_profanity() -> Scorer | str:
    try:
        from better_profanity import profanity
    except ImportError:
        return INSTALL
    profanity.load_censor_words()  # its default English list; it ships no Indonesian one
    return lambda texts: [float(profanity.contains_profanity(t)) for t in texts]


def glin_profanity() -> Scorer | str:
    from _peers import glin_detector

    detect = glin_detector()  # its real-time chat settings, every evasion option on
    if isinstance(detect, str):
        return detect
    return lambda texts: [float(detect(t)) for t in texts]


def peers() -> dict[str, Scorer | str]:
    return {
        "alt-profanity-check": alt_profanity_check(),
        "better-profanity": better_profanity(),
        "glin-profanity": glin_profanity(),
    }


def peer_scores(name: str, scorer: Scorer, texts: Sequence[str]) -> list[float]:
    return _cached(name, texts, scorer)


def default_model() -> BuiltinModel:
    model = BuiltinModel(BuiltinParams())
    model.load()
    return model


def threshold_for(scores: Sequence[float], labels: Sequence[int], fp_rate: float) -> float:
    """The lowest threshold that flags at most `fp_rate` of the clean texts."""
    clean = sorted((s for s, y in zip(scores, labels, strict=True) if not y), reverse=True)
    allowed = int(fp_rate * len(clean))
    if allowed >= len(clean):
        return 0.0
    return float(np.nextafter(clean[allowed], np.inf))  # strictly above that clean score


def threshold_per_language(
    rows: Sequence[dict[str, str]], by_text: dict[str, float], fp_rate: float
) -> float:
    """One threshold (a policy has one `act_at`) that keeps false positives within `fp_rate`
    in every language."""
    thresholds = []
    for language in sorted({r["lang"] for r in rows}):
        mine = [r for r in rows if r["lang"] == language]
        scores = [by_text[r["text"]] for r in mine]
        thresholds.append(threshold_for(scores, [int(r["expected"]) for r in mine], fp_rate))
    return max(thresholds)
